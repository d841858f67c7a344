"""The WSGI application: Slack's requests, the health check, and room for other endpoints."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from sqlalchemy import text

from bot.bodies import BodyRefused, slack_request
from bot.connect import connect_request
from bot.intake import STATUS, intake_request
from jobs.outbox import kick
from jobs.renderers import Renderers
from store.db import Database

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


def create_wsgi_app(bolt_app: App, db: Database, *, renderers: Renderers, signing_secret: str,
                    intake_secret: str | None = None,
                    connect_secrets: Mapping[str, str | None] | None = None) -> WsgiApp:
    """`renderers`: the outbox's (jobs.renderers.renderer_table); `signing_secret`: Slack's,
    checked on the raw body before Bolt parses it (bot.bodies); `intake_secret`:
    settings.intake_secret (None: /intake/orders answers 503); `connect_secrets`:
    settings.connect_secrets, by source (a source without one answers 503)."""
    slack = SlackRequestHandler(bolt_app, path="/slack/events")
    secret = intake_secret or None

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _healthz(db, start_response)
        if path == "/slack/events":
            if method != "POST":
                return slack(environ, start_response)
            try:
                request = slack_request(environ, signing_secret)
            except BodyRefused as refused:
                return _json(start_response, STATUS[refused.status],
                             {"ok": False, "error": refused.message})
            answer = bolt_app.dispatch(request)
            response = WsgiHttpResponse(status=answer.status, headers=answer.headers,
                                        body=answer.body)
            start_response(response.status, response.get_headers())
            return response.get_body()
        if path == "/intake/orders":
            status, answer = intake_request(environ, db=db, secret=secret)
            if status in ("200 OK", "201 Created"):
                kick(db, bolt_app.client, renderers)  # post the triage items now, off this request
            retry = [("Retry-After", "5")] if status.startswith("503") and secret else []
            return _json(start_response, status, answer, retry)
        if path.startswith("/connect/"):
            source = path.removeprefix("/connect/")
            status, answer = connect_request(environ, db=db, source=source,
                                             secrets=connect_secrets or {})
            if status in ("200 OK", "201 Created"):
                kick(db, bolt_app.client, renderers)  # post what it opened, off this request
            return _json(start_response, status, answer)
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not_found"})

    return application


def _healthz(db: Database, start_response: Callable) -> Iterable[bytes]:
    try:
        with db.read() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:  # the point of a health check: report, never raise
        return _json(start_response, "503 Service Unavailable",
                     {"ok": False, "database": "unreachable", "error": type(exc).__name__})
    return _json(start_response, "200 OK", {"ok": True, "database": db.dialect})


def _json(start_response: Callable, status: str, payload: dict,
          headers: list[tuple[str, str]] = ()) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body))), *headers])
    return [body]
