"""The WSGI application: Slack's requests, the health check, and room for other endpoints."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import unquote

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from sqlalchemy import text

from bot.bodies import BodyRefused, slack_request
from bot.connect import connect_request
from bot.intake import STATUS, intake_request
from bot.mail import mail_request
from jobs.outbox import kick
from jobs.renderers import Renderers
from store.db import Database

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


def create_wsgi_app(bolt_app: App, db: Database, *, renderers: Renderers, signing_secret: str,
                    intake_secret: str | None = None,
                    connect_secrets: Mapping[str, str | None] | None = None,
                    inbound_mail_secret: str | None = None,
                    connect_reps: Mapping[str, str | None] | None = None) -> WsgiApp:
    """`renderers`: the outbox's (jobs.renderers.renderer_table); `signing_secret`: Slack's,
    checked on the raw body before Bolt parses it (bot.bodies); `intake_secret`:
    settings.intake_secret (None: /intake/orders answers 503); `connect_secrets`:
    settings.connect_secrets, by source (a source without one answers 503);
    `inbound_mail_secret`: /connect/mail's (bot.mail; None: it answers 503); `connect_reps`:
    settings.connect_reps, new storefront customers' default rep."""
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
        if path.startswith("/o/") and method in ("GET", "HEAD"):
            return _order_page(unquote(path[3:]).strip("/"), start_response)
        if path == "/connect/mail":
            status, answer = mail_request(environ, db=db, secret=inbound_mail_secret)
            if status == "200 OK":
                kick(db, bolt_app.client, renderers)  # the reply into its thread, now
            return _json(start_response, status, answer)
        if path.startswith("/connect/"):
            source = path.removeprefix("/connect/")
            status, answer = connect_request(environ, db=db, source=source,
                                             secrets=connect_secrets or {},
                                             reps=connect_reps)
            if status in ("200 OK", "201 Created"):
                kick(db, bolt_app.client, renderers)  # post what it opened, off this request
            return _json(start_response, status, answer)
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not_found"})

    return application


def _order_page(ref: str, start_response: Callable) -> Iterable[bytes]:
    """What an order link opens outside Slack: where to find the order, nothing about it (the
    page is public; Slack checks who is asking)."""
    shown = html.escape(ref[:64])
    body = (f"<!doctype html><meta charset=utf-8><title>{shown} · Orderdesk</title>"
            f"<h1>{shown}</h1><p>Open it in Slack: <code>/order {shown}</code></p>").encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Length", str(len(body)))])
    return [body]


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
