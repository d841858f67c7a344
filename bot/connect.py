"""POST /connect/<source>: the platforms' own webhooks (store.connect acts on them).

Each body is read within MAX_BODY and its signature checked on those raw bytes before anything
parses it (bot.bodies, as /intake/orders); then the parsed body goes to the store. Answers are
JSON with "ok": 200 taken (or the same delivery again: "duplicate": true, the first answer),
400/422 a body that cannot be what the platform sends, naming the field, 401 a wrong or missing
signature (nothing stored but the refusal's count), 404 no such source, 413 too big, 503 the
source has no secret configured or the database is unavailable (nothing saved: the platforms
retry). Refusals are counted per source (`orderdesk connect list`).

Signatures, as each platform signs:
- tracking (EasyPost): X-Hmac-Signature = "hmac-sha256-hex=" + hex HMAC-SHA256 of the raw body
  under ORDERDESK_TRACKING_SECRET (EasyPost's webhook secret, NFKD-normalised as its libraries do).
- shopify: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body under the shop's secret
  (X-Shopify-Shop-Domain's in ORDERDESK_SHOPIFY_SECRETS, else ORDERDESK_SHOPIFY_SECRET: the
  app's client secret); X-Shopify-Topic, X-Shopify-Webhook-Id.
- woocommerce: X-WC-Webhook-Signature = base64 HMAC-SHA256 of the raw body under
  ORDERDESK_WOOCOMMERCE_SECRET (the webhook's secret); X-WC-Webhook-Topic,
  X-WC-Webhook-Delivery-ID. Woo's ping when a webhook is saved (a form body `webhook_id=<n>`,
  no topic) is answered 200 and nothing is stored.

`secrets` and `reps` are keyed by source, and by "<source>@<shop domain>" for one shop's own
(bot.config: ORDERDESK_SHOPIFY_SECRETS, ORDERDESK_SHOPIFY_DEFAULT_REP).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from bot.bodies import BodyRefused, loads_object, read_body
from bot.intake import STATUS
from store.connect import Received, receive_order, receive_tracking, record_refusal
from store.db import DATABASE_DOWN, Database
from store.errors import IntakeRejected, OutOfRange, StaleEdit, ValidationFailed

MAX_BODY = 1_000_000


def _easypost_signed(secret: str, body: bytes, environ: dict) -> bool:
    given = (environ.get("HTTP_X_HMAC_SIGNATURE") or "").strip()
    if not given.startswith("hmac-sha256-hex="):
        return False
    key = unicodedata.normalize("NFKD", secret).encode()
    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.removeprefix("hmac-sha256-hex=").lower().encode(),
                               expected.encode())


def _base64_signed(header: str) -> Callable[[str, bytes, dict], bool]:
    def signed(secret: str, body: bytes, environ: dict) -> bool:
        given = (environ.get(header) or "").strip()
        expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
        return bool(given) and hmac.compare_digest(given.encode("utf-8", "replace"), expected)
    return signed


def _header(environ: dict, name: str, key: str) -> str:
    value = (environ.get(key) or "").strip()
    if not value:
        raise IntakeRejected(f"The {name} header is missing.", field=name)
    return value[:200]


def _shop(environ: dict) -> str:
    return (environ.get("HTTP_X_SHOPIFY_SHOP_DOMAIN") or "").strip().lower()[:200]


def _storefront(source: str, topic: tuple[str, str], delivery: tuple[str, str],
                shop: Callable[[dict], str] = lambda environ: ""):
    def receive(db: Database, body: dict, environ: dict, reps: Mapping[str, str | None]
                ) -> Received:
        rep = reps.get(f"{source}@{shop(environ)}") or reps.get(source)
        return receive_order(db, source, body, topic=_header(environ, *topic),
                             delivery_id=_header(environ, *delivery), default_rep=rep,
                             shop=shop(environ))
    return receive


_WOO_PING = re.compile(rb"webhook_id=\d{1,20}")


def _woo_ping(environ: dict, body: bytes) -> bool:
    """WooCommerce pings the delivery URL when a webhook is saved: unsigned, no topic."""
    return not environ.get("HTTP_X_WC_WEBHOOK_TOPIC") and bool(_WOO_PING.fullmatch(body))


@dataclass(frozen=True)
class Source:
    variable: str  # the secret's environment variable
    header: str  # what a refusal names
    signed: Callable[[str, bytes, dict], bool]
    receive: Callable[[Database, dict, dict, Mapping[str, str | None]], Received]
    shop: Callable[[dict], str] = lambda environ: ""  # whose secret, when several shops
    ping: Callable[[dict, bytes], bool] = lambda environ, body: False


SOURCES: dict[str, Source] = {
    "tracking": Source("ORDERDESK_TRACKING_SECRET",
                       "X-Hmac-Signature must be hmac-sha256-hex=<HMAC-SHA256 of the raw body "
                       "under the tracking secret>.", _easypost_signed,
                       lambda db, body, environ, reps: receive_tracking(db, body)),
    "shopify": Source("ORDERDESK_SHOPIFY_SECRET",
                      "X-Shopify-Hmac-Sha256 must be the base64 HMAC-SHA256 of the raw body "
                      "under the shop's secret.", _base64_signed("HTTP_X_SHOPIFY_HMAC_SHA256"),
                      _storefront("shopify", ("X-Shopify-Topic", "HTTP_X_SHOPIFY_TOPIC"),
                                  ("X-Shopify-Webhook-Id", "HTTP_X_SHOPIFY_WEBHOOK_ID"), _shop),
                      shop=_shop),
    "woocommerce": Source("ORDERDESK_WOOCOMMERCE_SECRET",
                          "X-WC-Webhook-Signature must be the base64 HMAC-SHA256 of the raw "
                          "body under the webhook's secret.",
                          _base64_signed("HTTP_X_WC_WEBHOOK_SIGNATURE"),
                          _storefront("woocommerce",
                                      ("X-WC-Webhook-Topic", "HTTP_X_WC_WEBHOOK_TOPIC"),
                                      ("X-WC-Webhook-Delivery-ID",
                                       "HTTP_X_WC_WEBHOOK_DELIVERY_ID")),
                          ping=_woo_ping),
}


def _error(code: int, message: str, field: str | None = None) -> tuple[str, dict]:
    return STATUS.get(code, f"{code} Error"), {"ok": False, "error": message, "field": field}


def connect_request(environ: dict, *, db: Database, source: str,
                    secrets: Mapping[str, str | None],
                    reps: Mapping[str, str | None] | None = None) -> tuple[str, dict]:
    kind = SOURCES.get(source)
    if kind is None:
        return "404 Not Found", {"ok": False, "error": f"No webhook source {source[:40]!r}: "
                                 f"POST to /connect/{'|'.join(SOURCES)}.", "field": None}
    if environ.get("REQUEST_METHOD") != "POST":
        return _error(405, f"POST the platform's webhook to /connect/{source}.")
    secret = secrets.get(f"{source}@{kind.shop(environ)}") or secrets.get(source)
    if not secret and not any(key.startswith(f"{source}@") for key in secrets):
        return _error(503, f"/connect/{source} is off: set {kind.variable} and restart.")
    try:
        body = read_body(environ, MAX_BODY)
        if kind.ping(environ, body):
            return STATUS[200], {"ok": True, "ping": True}
        if not secret or not kind.signed(secret, body, environ):
            return _refused(db, source, 401, kind.header)
        data = loads_object(body, "The body")
        received = _receive(kind, db, data, environ, reps or {})
    except BodyRefused as refused:
        return _refused(db, source, refused.status, refused.message, refused.field)
    except IntakeRejected as err:
        return _refused(db, source, err.status, err.message, err.field)
    except OutOfRange as err:
        return _refused(db, source, 422, err.message)
    except ValidationFailed as err:  # a value the desk's own rules refuse (a price's decimals)
        field, message = next(iter(err.errors.items()))
        return _refused(db, source, 422, message, field)
    except (*DATABASE_DOWN, IntegrityError, StaleEdit):
        return _error(503, "The order database is unavailable or busy with this order; nothing "
                           "was saved. Deliver again in a moment.")
    return STATUS[200], {**received.answer, "duplicate": received.duplicate}


RACE_TRIES = 4  # Shopify sends create, paid and updated of one new order together


def _receive(kind, db: Database, data: dict, environ: dict, reps) -> Received:
    """Deliveries about one order or new customer at once (Shopify sends create, paid and
    updated together): the later one's insert meets the row the first one committed, or its
    edit the version the first one wrote. Taken again, it finds that row and updates it as it
    now is; each delivery at once can cost one more try. After RACE_TRIES the answer is 503:
    deliver again."""
    for _ in range(RACE_TRIES - 1):
        try:
            return kind.receive(db, data, environ, reps)
        except (IntegrityError, StaleEdit):
            continue
    return kind.receive(db, data, environ, reps)


def _refused(db: Database, source: str, code: int, message: str,
             field: str | None = None) -> tuple[str, dict]:
    try:
        record_refusal(db, source=source, error=f"{code}: {message}")
    except DATABASE_DOWN:
        pass  # the answer matters more than the count
    return _error(code, message, field)
