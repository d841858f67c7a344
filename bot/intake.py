"""POST /intake/orders: one order as JSON (store.orders.intake documents the body), signed with
HMAC-SHA256 of the raw body under ORDERDESK_INTAKE_SECRET in X-Orderdesk-Signature (hex, or
"sha256=<hex>"). Answers: 201 created, 200 the same order again, 400/422 bad input naming the
field, 401 bad signature, 409 an existing order_ref with other content, 413 too big, 503 no
secret configured or the database unavailable (nothing saved: resend; with Retry-After).
Every answer is JSON with "ok"."""

from __future__ import annotations

import hashlib
import hmac

from bot.bodies import BodyRefused, loads_object, read_body
from store.db import DATABASE_DOWN, Database
from store.errors import IntakeRejected, OutOfRange
from store.orders import intake_order

MAX_BODY = 1_000_000
STATUS = {200: "200 OK", 201: "201 Created", 400: "400 Bad Request", 401: "401 Unauthorized",
          405: "405 Method Not Allowed", 409: "409 Conflict", 413: "413 Payload Too Large",
          422: "422 Unprocessable Entity", 503: "503 Service Unavailable"}


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    given = header.strip().lower().removeprefix("sha256=")
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.encode(), expected.encode())


def _error(code: int, message: str, field: str | None = None) -> tuple[str, dict]:
    return STATUS[code], {"ok": False, "error": message, "field": field}


def intake_request(environ: dict, *, db: Database, secret: str | None) -> tuple[str, dict]:
    if environ.get("REQUEST_METHOD") != "POST":
        return _error(405, "POST one order as JSON to /intake/orders.")
    if not secret:
        return _error(503, "Intake is off: set ORDERDESK_INTAKE_SECRET and restart to accept "
                           "orders here.")
    try:
        body = read_body(environ, MAX_BODY)
        if not signature_ok(secret, body, environ.get("HTTP_X_ORDERDESK_SIGNATURE", "")):
            return _error(401, "X-Orderdesk-Signature must be the HMAC-SHA256 (hex) of the raw "
                               "body under the intake secret.")
        data = loads_object(body, "The body")
    except BodyRefused as refused:
        return _error(refused.status, refused.message, refused.field)
    try:
        result = intake_order(db, body=data)
    except IntakeRejected as err:
        return _error(err.status, err.message, err.field)
    except OutOfRange as err:  # a number the database can't hold: the input's fault, not an outage
        return _error(422, err.message)
    except DATABASE_DOWN:
        # One transaction: nothing of the order was written. Safe to resend (same order_ref).
        return _error(503, "The order database is unavailable; nothing was saved. Send the "
                           "same order again in a moment.")
    return (STATUS[201] if result.created else STATUS[200]), {
        "ok": True, "order_ref": result.order_ref, "created": result.created,
        "discrepancies": result.discrepancies}
