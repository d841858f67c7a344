"""Request bodies read within bounds and checked before anything parses them.

Every POST body is read up to a cap (Content-Length over the cap is refused unread; a chunked
body is read in pieces and refused as soon as it passes the cap). A Slack request's signature
is verified on those raw bytes before anything decodes or parses them, and a signed body that
is not what Slack sends (not UTF-8, not a JSON object, nested absurdly, a shape Bolt can't
read) is answered 400:
unsigned junk costs an HMAC, never a parse, and nothing malformed reaches a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from urllib.parse import parse_qsl

from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

# Slack's payloads are a few kB; a modal with every field full stays well under 100 kB.
MAX_SLACK_BODY = 1_000_000
MAX_JSON_DEPTH = 64  # a Slack payload nests about 10 deep, an intake order 3
_CHUNK = 64 * 1024
_JSON = "application/json"
log = logging.getLogger("orderdesk.web")


class BodyRefused(Exception):
    """The request is answered `status` with `message`, before any parsing."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def read_body(environ: dict, limit: int) -> bytes:
    """At most `limit` bytes of the body: 413 beyond it, 400 for a nonsense Content-Length.

    Without Content-Length (chunked), the body is read in pieces only from a server that ends
    the input at the body's end (PEP 3333's wsgi.input_terminated: gunicorn, the sandbox)."""
    stream = environ.get("wsgi.input")
    raw = (environ.get("CONTENT_LENGTH") or "").strip()
    if raw:
        if not (raw.isascii() and raw.isdecimal()) or len(raw) > 12:
            raise BodyRefused(400, "Content-Length must be a number of bytes.")
        length = int(raw)
        if length > limit:
            raise BodyRefused(413, f"The body must be at most {limit:,} bytes.")
        return _read(stream, length) if length else b""
    if stream is None or not environ.get("wsgi.input_terminated"):
        return b""
    pieces, size = [], 0
    while piece := stream.read(_CHUNK):
        size += len(piece)
        if size > limit:
            raise BodyRefused(413, f"The body must be at most {limit:,} bytes.")
        pieces.append(piece)
    return b"".join(pieces)


def _read(stream, length: int) -> bytes:
    pieces, left = [], length
    while left > 0 and (piece := stream.read(min(left, _CHUNK))):
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)


def slack_request(environ: dict, signing_secret: str) -> BoltRequest:
    """A POST to /slack/events read, verified and parsed, for Bolt to dispatch; raises
    BodyRefused. Bolt verifies the signature again as usual (it costs one HMAC)."""
    body = read_body(environ, MAX_SLACK_BODY)
    if not _signed(signing_secret, body, environ):
        raise BodyRefused(401, "The request is not signed by Slack (X-Slack-Signature).")
    text = _check_slack_shape(body, environ.get("CONTENT_TYPE") or "")
    http = WsgiHttpRequest(environ)
    try:
        return BoltRequest(body=text, query=http.query_string, headers=http.get_headers())
    except Exception as err:  # Bolt's reading of the payload's shape; signed, so log it
        log.warning("a signed Slack request Bolt cannot read: %s: %s", type(err).__name__,
                    str(err)[:200])
        raise BodyRefused(400, "The body is not a Slack payload Orderdesk can read.") from None


def _signed(secret: str, body: bytes, environ: dict) -> bool:
    """Slack's v0 signature over the raw bytes (slack_sdk's verifier decodes them first, so
    bytes that are not UTF-8 would raise), within its five-minute window."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
    signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
    if not (timestamp.isascii() and timestamp.isdecimal()) or len(timestamp) > 12 or not signature:
        return False
    if abs(SignatureVerifier(secret).clock.now() - int(timestamp)) > 60 * 5:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def _check_slack_shape(body: bytes, content_type: str) -> str:
    """What Bolt's parser would choke on, as a 400: Slack sends a JSON object, or a form
    whose `payload` (when there is one) is a JSON object."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused(400, "The body is not UTF-8.") from None
    if content_type.split(";")[0].strip() == _JSON or text.startswith("{"):
        loads_object(text, "The body")
    elif "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        if payload is not None:
            loads_object(payload, "The payload")
    return text


def loads_object(text: str | bytes, what: str) -> dict:
    """json.loads of one object, every problem a BodyRefused(400) naming it: not JSON, not
    an object, nested deeper than MAX_JSON_DEPTH, an integer of absurd length, a lone
    surrogate (which no database can store)."""
    try:
        value = json.loads(text, parse_int=_int)
    except RecursionError:
        raise BodyRefused(400, f"{what} is nested too deeply (at most {MAX_JSON_DEPTH} "
                               "levels).") from None
    except _TooLong as err:
        raise BodyRefused(400, f"{what} holds a number {err.digits:,} digits long.") from None
    except (UnicodeDecodeError, ValueError) as err:
        raise BodyRefused(400, f"{what} is not JSON: {err}.") from None
    if not isinstance(value, dict):
        raise BodyRefused(400, f"{what} must be a JSON object.")
    _check_tree(value, what)
    return value


class _TooLong(ValueError):
    def __init__(self, digits: int):
        super().__init__(digits)
        self.digits = digits


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > 30:  # no quantity, amount or id is this long; int() of 5,000 digits is slow
        raise _TooLong(digits)
    return int(text)


def _check_tree(value: object, what: str) -> None:
    """Depth and lone surrogates, walked without recursion."""
    todo: list[tuple[object, int, str]] = [(value, 1, "")]
    while todo:
        item, depth, where = todo.pop()
        if depth > MAX_JSON_DEPTH:
            raise BodyRefused(400, f"{what} is nested too deeply (at most {MAX_JSON_DEPTH} "
                                   "levels).")
        if isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, what, where or "a key")
                todo.append((child, depth + 1, f"{where}.{key}" if where else key))
        elif isinstance(item, list):
            todo.extend((child, depth + 1, f"{where}[{i}]") for i, child in enumerate(item))
        elif isinstance(item, str):
            _check_text(item, what, where)


def _check_text(text: str, what: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BodyRefused(400, f"{what} has a lone surrogate (\\ud800-\\udfff) in "
                               f"'{where[:80]}': not text any database can store.",
                          field=where[:80] or None) from None
