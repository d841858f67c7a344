"""The sandbox as a Slack-like web page: a small HTTP server over the same SlackSandbox the
tests and the console drive.

    GET  /  and  /gallery           the page (static/index.html; app.js renders either)
    GET  /static/<file>             app.js, app.css, gallery.json
    GET  /files/<file_id>           a file the app uploaded (digest charts), as an image
    GET  /api/state?user=&channel=&thread=    what that person's window shows (JSON)
    GET  /api/stream?user=&channel=&thread=   the same, as server-sent events, after each change
    POST /api/command | /api/message  {user, channel, text, thread_ts}   the message box
    POST /api/action       {user, action_id, block_id, ts | view_id, value}   block_actions
    POST /api/options      {user, action_id, view_id, value}   external_select options
    POST /api/view_submit  {user, view_id, values: {"block_id.action_id": value}}
    POST /api/view_close   {user, view_id}
    POST /api/home         {user}                App Home opened
    POST /api/user         {user}                who the page opens as

Every POST answers {"ok", "problems", "late"} or {"ok": false, "error"} with status 400: the
page shows them as toasts. Slack's rules (acks, response_action, trigger ids) stay in the
sandbox; this file only translates HTTP to its calls.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.acting import send_text
from sandbox.model import Delivery
from sandbox.server import Replying
from sandbox.web.snapshot import visible_state

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".json": "application/json; charset=utf-8",
         ".png": "image/png", ".svg": "image/svg+xml"}
KEEPALIVE_S = 15.0
# The largest action the page sends (Slack's message box holds 40,000 characters; a modal's
# values are smaller); anything bigger is refused unread.
MAX_BODY = 1_000_000
QUIET_S = 0.05  # a burst of changes (a post, its thread reply) goes as one event…
COALESCE_S = 0.3  # …at most this late, however busy the app is


class WebSandbox:
    """The page's server on a daemon thread; `.url`, `.close()`."""

    def __init__(self, sb: Any, *, labels: dict[str, str] | None = None,
                 user: str = "U0PROC1", channel: str | None = None) -> None:
        self.sb = sb
        self.labels = dict(labels or {})
        self.user, self.channel = user, channel
        self.closing = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self.url = ""

    def start(self, host: str = "127.0.0.1", port: int = 0) -> WebSandbox:
        handler = type("BoundWebHandler", (_Handler,), {"web": self})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        bound_host, bound_port = self._httpd.server_address[:2]
        self.url = f"http://{bound_host}:{bound_port}/"
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                         name="sandbox-web", daemon=True).start()
        return self

    def close(self) -> None:
        self.closing.set()
        with self.sb.ws.changed:
            self.sb.ws.changed.notify_all()  # wake the streams so they end
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def state(self, user: str | None, channel: str | None, thread: str | None) -> dict:
        user = user if user in self.sb.ws.users else self.user
        return visible_state(self.sb.ws, user=user, channel=channel or self.channel,
                             thread_ts=thread or None, labels=self.labels)

    # -- what the page asks for ----------------------------------------------------------
    def post(self, name: str, body: dict) -> dict:
        user = str(body.get("user") or self.user)
        if user not in self.sb.ws.users:
            raise LookupError(f"no user {user!r}")
        handler = getattr(self, "_api_" + name, None)
        if handler is None:
            raise LookupError(f"no API {name!r}")
        return handler(user, body)

    def _api_command(self, user: str, body: dict) -> dict:
        return _answer(send_text(self.sb, str(body.get("text") or ""), user=user,
                                 channel=str(body.get("channel") or ""),
                                 thread_ts=body.get("thread_ts") or None))

    _api_message = _api_command

    def _api_action(self, user: str, body: dict) -> dict:
        value = body.get("value")
        return _answer(self.sb.click(str(body["action_id"]), user=user,
                                     message=body.get("ts") or None,
                                     view=body.get("view_id") or None,
                                     block_id=body.get("block_id") or None,
                                     value=value if value not in ("", None) else None))

    def _api_options(self, user: str, body: dict) -> dict:
        delivery = self.sb.block_suggestion(str(body["action_id"]), str(body.get("value") or ""),
                                            user=user, view=str(body["view_id"]))
        answer = _answer(delivery)
        reply = delivery.body if isinstance(delivery.body, dict) else {}
        answer["options"] = reply.get("options") or []
        answer["option_groups"] = reply.get("option_groups") or []
        return answer

    def _api_view_submit(self, user: str, body: dict) -> dict:
        values = body.get("values") or {}
        if not isinstance(values, dict):
            raise TypeError("values must be an object")
        return _answer(self.sb.submit(str(body["view_id"]), values, user=user))

    def _api_view_close(self, user: str, body: dict) -> dict:
        return _answer(self.sb.close_view(str(body["view_id"]), user=user))

    def _api_home(self, user: str, body: dict) -> dict:
        return _answer(self.sb.open_home(user))

    def _api_user(self, user: str, body: dict) -> dict:
        self.user = user
        return {"ok": True, "problems": [], "late": False}


def _answer(delivery: Delivery) -> dict:
    return {"ok": True, "sent": delivery.sent, "status": delivery.status,
            "late": delivery.late, "problems": list(delivery.problems)}


class _Handler(Replying):
    web: WebSandbox
    server_version = "OrderdeskSandboxWeb/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("sandbox web: " + format, *args)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        if path in ("/", "/gallery", "/index.html"):
            self._static("index.html")
        elif path.startswith("/static/"):
            self._static(path.removeprefix("/static/"))
        elif path.startswith("/files/"):
            self._file(path.split("/")[2])
        elif path == "/api/state":
            self._json(200, self.web.state(query.get("user"), query.get("channel"),
                                           query.get("thread")))
        elif path == "/api/stream":
            self._stream(query)
        else:
            self._send(404, "text/plain", b"not found")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        if not path.startswith("/api/"):
            self._send(404, "text/plain", b"not found")
            return
        if length > MAX_BODY:
            self.close_connection = True
            self._json(413, {"ok": False, "error": f"request over {MAX_BODY:,} bytes"})
            return
        # JSON only: another site's page can't send it without the browser asking first (CORS
        # preflight, which this server never grants), so it can't act in the sandbox.
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            self._json(415, {"ok": False, "error": "send application/json"})
            return
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise TypeError("expected a JSON object")
            answer = self.web.post(path.removeprefix("/api/"), body)
        except (LookupError, ValueError, TypeError, RuntimeError) as exc:
            message = exc.args[0] if exc.args else type(exc).__name__
            self._json(400, {"ok": False, "error": str(message)})
            return
        self._json(200, answer)

    # -- responses -----------------------------------------------------------------------
    def _static(self, name: str) -> None:
        target = (STATIC / name).resolve()
        if STATIC.resolve() not in target.parents or not target.is_file():
            self._send(404, "text/plain", b"not found")
            return
        self._send(200, TYPES.get(target.suffix, "application/octet-stream"),
                   target.read_bytes(), {"Cache-Control": "no-cache"})

    def _file(self, file_id: str) -> None:
        with self.web.sb.ws.lock:
            file = self.web.sb.ws.files.get(file_id)
            data = file.data if file is not None else None
        if data is None:
            self._send(404, "text/plain", b"file_not_found")
            return
        self._send(200, _sniff(data), data)

    def _json(self, status: int, value: Any) -> None:
        self._send(status, "application/json; charset=utf-8", json.dumps(value).encode())


    def _stream(self, query: dict) -> None:
        """Server-sent events: the state now, then again whenever the sandbox changes."""
        web, sb = self.web, self.web.sb
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        last = ""
        try:
            while not web.closing.is_set():
                seen = sb.version
                state = json.dumps(web.state(query.get("user"), query.get("channel"),
                                             query.get("thread")))
                if state != last:
                    self.wfile.write(f"data: {state}\n\n".encode())
                    last = state
                else:
                    self.wfile.write(b": keepalive\n\n")
                self.wfile.flush()
                if sb.wait_for_change(seen, KEEPALIVE_S):
                    _coalesce(sb)
        except (BrokenPipeError, ConnectionResetError, OSError):
            return  # the page went away


def _coalesce(sb: Any) -> None:
    deadline = time.monotonic() + COALESCE_S
    while (remaining := deadline - time.monotonic()) > 0:
        if not sb.wait_for_change(sb.version, min(QUIET_S, remaining)):
            return


def _sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data.lstrip().startswith((b"<svg", b"<?xml")):
        return "image/svg+xml"
    return "application/octet-stream"
