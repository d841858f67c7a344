"""Serve a Bolt App over real HTTP on a daemon thread, so the sandbox can POST to it.

    running = serve_bolt_app(app)            # threaded wsgiref + SlackRequestHandler
    sb.app_url = running.url                 # "http://127.0.0.1:<port>/slack/events"
    ...
    running.stop()
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer, make_server


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    """wsgiref, made to hand over bodies as gunicorn does: the input ends where the body ends
    (wsgi.input_terminated), and a chunked body arrives decoded, without Content-Length."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None

    def get_environ(self) -> dict:
        env = super().get_environ()
        env["wsgi.input_terminated"] = True
        return env

    def handle(self) -> None:  # wsgiref's, with the body wrapped
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        chunked = "chunked" in (self.headers.get("transfer-encoding") or "").lower()
        body = (_ChunkedInput(self.rfile) if chunked
                else _LimitedInput(self.rfile, int(self.headers.get("content-length") or 0)))
        handler = ServerHandler(body, self.wfile, self.get_stderr(), self.get_environ(),
                                multithread=False)
        handler.request_handler = self
        handler.run(self.server.get_app())


class _LimitedInput:
    def __init__(self, rfile, length: int):
        self.rfile, self.left = rfile, max(length, 0)

    def read(self, size: int = -1) -> bytes:
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.rfile.read(size) if size else b""
        self.left -= len(data)
        return data


class _ChunkedInput:
    """A chunked request body (RFC 9112 7.1), decoded as it is read."""

    def __init__(self, rfile):
        self.rfile, self.left, self.done = rfile, 0, False

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while not self.done and (size is None or size < 0 or len(out) < size):
            if self.left == 0:
                self.left = int(self.rfile.readline(65537).split(b";")[0].strip() or b"0", 16)
                if self.left == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    self.done = True
                    break
            want = self.left if size is None or size < 0 else min(self.left, size - len(out))
            data = self.rfile.read(want)
            if not data:
                self.done = True
                break
            out += data
            self.left -= len(data)
            if self.left == 0:
                self.rfile.readline(65537)  # the CRLF after each chunk
        return bytes(out)


@dataclass
class RunningApp:
    url: str
    server: WSGIServer
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_wsgi(wsgi_app: Any, *, host: str = "127.0.0.1", port: int = 0,
               path: str = "/slack/events") -> RunningApp:
    server = make_server(host, port, wsgi_app, server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="bolt-app",
                              daemon=True)
    thread.start()
    return RunningApp(url=f"http://{host}:{server.server_port}{path}", server=server,
                      thread=thread)


def serve_bolt_app(app: Any, *, host: str = "127.0.0.1", port: int = 0,
                   path: str = "/slack/events") -> RunningApp:
    """Serve a slack_bolt.App with its WSGI adapter on `path`."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler  # only needed for this helper

    return serve_wsgi(SlackRequestHandler(app, path=path), host=host, port=port, path=path)
