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
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None


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
