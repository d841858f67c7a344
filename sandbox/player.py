"""Plays Slack towards the app: signed HTTP requests to its URL, timed like Slack times them.

Slash commands and interactions go as `application/x-www-form-urlencoded` (interactions as
`payload=<JSON>`), events as `application/json`. Every request carries
X-Slack-Request-Timestamp and X-Slack-Signature = "v0=" + HMAC-SHA256 of
"v0:{timestamp}:{raw body}" keyed by the signing secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from sandbox.model import Ack, Delivery

APP_TIMEOUT_S = 30.0  # Slack gives up after 3 s; we wait longer so a late ack is measurable


def sign(signing_secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(signing_secret: str, body: bytes, content_type: str,
                   timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(signing_secret, ts, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}


class Player:
    """Sends requests to `app_url` and keeps the measured acks."""

    def __init__(self, signing_secret: str) -> None:
        self.signing_secret = signing_secret
        self.app_url: str | None = None
        self.acks: list[Ack] = []
        self._lock = threading.Lock()

    def send_form(self, kind: str, name: str, fields: dict[str, str],
                  payload: dict | None = None) -> Delivery:
        body = urlencode(fields).encode()
        return self.send(kind, name, body, "application/x-www-form-urlencoded",
                         payload=payload or fields)

    def send_interaction(self, kind: str, name: str, payload: dict) -> Delivery:
        return self.send_form(kind, name, {"payload": json.dumps(payload)}, payload)

    def send_json(self, kind: str, name: str, payload: dict,
                  extra_headers: dict[str, str] | None = None) -> Delivery:
        body = json.dumps(payload).encode()
        return self.send(kind, name, body, "application/json", payload=payload,
                         extra_headers=extra_headers)

    def send(self, kind: str, name: str, body: bytes, content_type: str, *,
             payload: dict | None = None, extra_headers: dict[str, str] | None = None,
             signature: str | None = None, timestamp: int | None = None) -> Delivery:
        """POST one request; `signature`/`timestamp` override the real ones (forgery tests)."""
        if not self.app_url:
            raise RuntimeError("SlackSandbox.app_url is not set: where should Slack send this?")
        headers = signed_headers(self.signing_secret, body, content_type, timestamp)
        if signature is not None:
            headers["X-Slack-Signature"] = signature
        headers.update(extra_headers or {})
        status, text, ack_ms = _post(self.app_url, body, headers)
        delivery = Delivery(kind=kind, status=status, body=_parse(text), ack_ms=ack_ms,
                            request_headers=headers, payload=payload)
        with self._lock:
            self.acks.append(Ack(kind=kind, name=name, status=status, ack_ms=ack_ms))
        if status != 200:
            effect = "Slack retries the event" if kind == "event" else "Slack shows an error"
            delivery.problems.append(f"the app answered HTTP {status}: {effect} "
                                     f"({text[:200]!r})")
        if delivery.late:
            delivery.problems.append(f"ack took {ack_ms:.0f} ms (> 3000): Slack shows "
                                     "operation_timeout and ignores the response")
        return delivery


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, float]:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=APP_TIMEOUT_S) as resp:  # noqa: S310
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        elapsed = (time.perf_counter() - started) * 1000
        return 0, f"request to the app failed: {exc}", elapsed
    elapsed = (time.perf_counter() - started) * 1000
    return status, raw.decode("utf-8", "replace"), elapsed


def _parse(text: str) -> Any:
    if not text:
        return ""
    try:
        return json.loads(text)
    except ValueError:
        return text
