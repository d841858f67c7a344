"""Helpers for the reliability suite (no tests here): nasty text, answer checks, signed and
forged requests. bench/reliability_report.py reuses them to print counts."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sandbox.player import signed_headers

# One stack per test, many examples through it: the function-scoped fixture is intended.
FAST = settings(max_examples=40, deadline=None, derandomize=False, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

FRAGMENTS = [
    "<!channel>", "<!here>", "<@U0ADMIN>", "<#C0TRIAGE|order-triage>", "<https://x.io|y>",
    "SO-1042", "SO-", "so 1043", "ACME", "Acme Corp", "WID-1001-BL", "\x00", "SO-\x001042",
    "\x01", "\x1b[31m", "\x7f",
    "\u202e", "\ufeff", "🙂", "&amp;", "&lt;", "*bold*", "`code`", "'; DROP TABLE orders;--",
    "%s%n", "{{ 7*7 }}", "9" * 30, "-1", "0", "1e309", "NaN", "daily", "weekly", "monthly",
    "processor", "sales", "manager", "admin", "default", "insufficient_stock", "#orders",
    "edit", "flag", "history", "list", "off", "on", "\n", "\t", " ", "'", '"', "\\", "/",
]
# Every character a string can hold (not lone surrogates): NUL and the other control
# characters included, which PostgreSQL refuses in text (store.control_chars deals with them).
ANY_CHAR = st.characters(blacklist_categories=("Cs",))
CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.just("\x7f")
WORDS = st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHAR, max_size=12),
                  st.tuples(st.text(ANY_CHAR, max_size=6), CONTROL,
                            st.text(ANY_CHAR, max_size=6)).map("".join))
TEXT = st.one_of(
    st.lists(WORDS, max_size=8).map(" ".join),
    st.text(ANY_CHAR, max_size=60),
    st.tuples(st.sampled_from(FRAGMENTS + ["x", "é"]), st.integers(1000, 4000)).map(
        lambda t: (t[0] * 4000)[:t[1]]),
)
REFERENCE = "give your admin this reference"


def blocks_text(message) -> str:
    return json.dumps([message.text, message.blocks], ensure_ascii=False)


def unexpected_errors(sb) -> list[str]:
    """Every 'something went wrong ... reference' the sandbox showed anyone."""
    shown = [blocks_text(m) for m in sb.ephemerals()]
    for channel in ("C0ORDERS",):
        shown += [blocks_text(m) for m in sb.messages(channel)]
    return [s[:300] for s in shown if REFERENCE in s]


def pings(sb) -> list[str]:
    """Answers where a broadcast mention the user typed came back live."""
    shown = [blocks_text(m) for m in sb.ephemerals()]
    return [s[:300] for s in shown if "<!channel>" in s or "<!here>" in s]


class ErrorLog(logging.Handler):
    """Counts the app's 'unexpected error ref=' log lines (bot/errors.py)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "unexpected error" in record.getMessage() or record.exc_info:
            trace = logging.Formatter().format(record).splitlines()
            self.seen.append(" | ".join(trace[:1] + trace[-6:]))

    def __enter__(self) -> ErrorLog:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger().removeHandler(self)


def answer_marks(sb, user: str) -> tuple[int, int]:
    """What shows an answer later: modals opened, ephemerals shown to `user`."""
    opened = sum(1 for c in sb.calls("views.open") if c.ok)
    return opened, len(sb.ephemerals(user=user))


def shows_an_answer(sb, delivery, user: str, before: tuple[int, int]) -> bool:
    """The ack carried a message, or a modal/ephemeral followed it."""
    body = delivery.body if isinstance(delivery.body, dict) else {}
    if body.get("text") or body.get("blocks") or (isinstance(delivery.body, str)
                                                   and delivery.body.strip()):
        return True
    return sb.wait_for(lambda: any(a > b for a, b in zip(answer_marks(sb, user), before)),
                       timeout=3.0)


# --- requests that must be refused -------------------------------------------------------

FORM = "application/x-www-form-urlencoded"


def forged(sb, n: int) -> str:
    """A made-up signature, different each time."""
    return "v0=" + hashlib.sha256(f"forged-{n}".encode()).hexdigest()


def stale_timestamp(n: int) -> int:
    return int(time.time()) - 301 - n * 37


def future_timestamp(n: int) -> int:
    return int(time.time()) + 301 + n * 37


def intake_url(sb) -> str:
    return sb.app_url.replace("/slack/events", "/intake/orders")


def intake_post(sb, data: bytes, signature: str | None) -> tuple[int, dict | None]:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Orderdesk-Signature"] = signature
    request = urllib.request.Request(intake_url(sb), data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            raw, status = response.read(), response.status
    except urllib.error.HTTPError as err:
        raw, status = err.read(), err.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def intake_signature(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def flag_body(sb, note: str, ref: str = "SO-1042") -> bytes:
    """A complete /order flag command: if the app ever acted on it, a discrepancy appears."""
    from urllib.parse import urlencode

    from sandbox import payloads
    from sandbox.locate import resolve_channel

    chan = resolve_channel(sb.ws, "C0ORDERS")
    fields = payloads.slash_fields(sb.ws, "/order", f"flag {ref} {note}", user="U0PROC1",
                                   chan=chan, response_url=sb.api_url + "/response/none",
                                   trigger_id=sb.ws.issue_trigger("U0PROC1"))
    return urlencode(fields).encode()


def discrepancies(db) -> int:
    from sqlalchemy import func, select

    from store.models import Discrepancy

    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Discrepancy))


# name -> how one attempt of that kind is made: (signature, timestamp, body) from (sb, n)
def slack_forgeries(ref: str = "SO-1042") -> dict:
    def genuine(sb, body, ts):
        return signed_headers(sb.signing_secret, body, FORM, ts)["X-Slack-Signature"]

    def replay(sb, n):
        ts = int(time.time())
        return (genuine(sb, flag_body(sb, "original", ref), ts), ts,
                flag_body(sb, f"changed {n}", ref))

    return {
        "forged signatures": lambda sb, n: (forged(sb, n), None, flag_body(sb, f"f{n}", ref)),
        "signatures with another secret": lambda sb, n: (
            signed_headers(f"other-{n}", flag_body(sb, f"o{n}", ref), FORM, None)[
                "X-Slack-Signature"], None, flag_body(sb, f"o{n}", ref)),
        "stale timestamps (>300 s)": lambda sb, n: _resigned(sb, n, stale_timestamp(n), ref),
        "future timestamps (>300 s)": lambda sb, n: _resigned(sb, n, future_timestamp(n), ref),
        "replayed signatures over a changed body": replay,
    }


def _resigned(sb, n: int, ts: int, ref: str):
    """Correctly signed, but at a timestamp Slack's 5-minute window refuses."""
    body = flag_body(sb, f"t{n}", ref)
    return signed_headers(sb.signing_secret, body, FORM, ts)["X-Slack-Signature"], ts, body


def send_forgery(sb, kind: str, n: int, ref: str = "SO-1042") -> int:
    signature, ts, body = slack_forgeries(ref)[kind](sb, n)
    return sb.player.send("slash_command", "/order", body, FORM, signature=signature,
                          timestamp=ts).status
