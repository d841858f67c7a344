"""The sandbox's HTTP side: Slack's Web API, upload URLs and response URLs.

    POST|GET /api/<method>      form-encoded or JSON body (+ query string); token via
                                 "Authorization: Bearer" or a token param
    POST /upload/<file_id>       raw bytes (files.getUploadURLExternal's upload_url)
    POST /response/<id>          response_url payloads (JSON)
    GET  /files/<file_id>/<name> the uploaded bytes (url_private)

Faults from sandbox.faults are applied before a method runs: 429 with Retry-After, 5xx, or
a delay.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sandbox import webapi
from sandbox.faults import Faults
from sandbox.model import Call
from sandbox.state import Workspace
from sandbox.webapi_chat import use_response_url
from sandbox.webapi_core import decode_json_params
from sandbox.webapi_files import receive_upload

log = logging.getLogger(__name__)


class SandboxServer:
    """A ThreadingHTTPServer on a daemon thread, bound to one workspace."""

    def __init__(self, ws: Workspace, faults: Faults, tokens: set[str]) -> None:
        self.ws, self.faults, self.tokens = ws, faults, tokens
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        handler = type("BoundHandler", (_Handler,), {"sandbox": self})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        bound_host, bound_port = self._httpd.server_address[:2]
        self.ws.base_url = f"http://{bound_host}:{bound_port}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        name="slack-sandbox", daemon=True)
        self._thread.start()
        return self.ws.base_url

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


class Replying(BaseHTTPRequestHandler):
    """A request handler that answers with a whole body at once (the sandbox's and its page's)."""

    def _send(self, status: int, ctype: str, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class _Handler(Replying):
    sandbox: SandboxServer
    server_version = "SlackSandbox/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("sandbox http: " + format, *args)

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if path.startswith("/files/"):
            self._serve_file(path.split("/")[2])
        elif path.startswith("/api/"):
            self._api(path.removeprefix("/api/"), b"")
        else:
            self._send(404, "text/plain", b"not found")

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path.startswith("/api/"):
            self._api(path.removeprefix("/api/"), body)
        elif path.startswith("/upload/"):
            self._plain("files.upload", receive_upload, path.removeprefix("/upload/"), body)
        elif path.startswith("/response/"):
            payload = _json_or_empty(body)
            self._plain("response_url", use_response_url, path.removeprefix("/response/"),
                        payload)
        else:
            self._send(404, "text/plain", b"not found")

    # -- Web API -------------------------------------------------------------------------
    def _api(self, name: str, body: bytes) -> None:
        params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        ctype = self.headers.get("Content-Type", "")
        if "json" in ctype:
            params.update(_json_or_empty(body))
        elif body:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        token = params.pop("token", None)
        if self._fault(name, params):
            return
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ").strip()
        result = webapi.handle(self.sandbox.ws, name, params, token, self.sandbox.tokens)
        self._send(200, "application/json; charset=utf-8", json.dumps(result).encode())

    def _fault(self, name: str, params: dict | None = None) -> bool:
        """Apply an injected fault; True if the request was answered by it."""
        fault = self.sandbox.faults.take(name)
        if fault is None:
            return False
        if fault.delay_ms:
            time.sleep(fault.delay_ms / 1000)
        if fault.status is None and fault.error is None:
            return False
        status = fault.status or 200
        error = fault.error or ("ratelimited" if status == 429 else f"http_{status}")
        headers = {"Retry-After": str(fault.retry_after)} if status == 429 else {}
        self.sandbox.ws.record_call(Call(method=name, params=decode_json_params(params or {}),
                                         ok=False, error=error, status=status))
        body = json.dumps({"ok": False, "error": error}).encode()
        self._send(status, "application/json; charset=utf-8", body, headers)
        return True

    # -- upload and response URLs --------------------------------------------------------
    def _plain(self, name: str, fn: Any, key: str, arg: Any) -> None:
        if self._fault(name):
            return
        status, text = fn(self.sandbox.ws, key, arg)
        params = {"id": key, "payload": arg} if isinstance(arg, dict) else {
            "id": key, "bytes": len(arg)}
        self.sandbox.ws.record_call(Call(method=name, params=params,
                                         ok=status == 200, error=None if status == 200 else text,
                                         status=status))
        self._send(status, "text/plain; charset=utf-8", text.encode())

    def _serve_file(self, file_id: str) -> None:
        with self.sandbox.ws.lock:
            file = self.sandbox.ws.files.get(file_id)
            data = file.data if file is not None else None
        if data is None:
            self._send(404, "text/plain", b"file_not_found")
        else:
            self._send(200, "application/octet-stream", data)



def _json_or_empty(body: bytes) -> dict:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
