"""Helpers for the reliability suite (no tests here): nasty text and answer checks. The signed
and forged requests are bench/security_probes.py (bench/reliability_report.py counts them)."""

from __future__ import annotations

import json
import logging

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bench.app_stack import CHANNEL, PROCESSOR
from messages.actions import EditOrderIds
from store.models import Event, Order, OrderLine

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


REF = "SO-1042"


def snapshot(db) -> tuple:
    with db.read() as s:
        order = s.scalars(select(Order).where(Order.ref == REF)).one()
        row = (order.version_id, order.ship_postal_code, order.ship_country,
               order.requested_date)
        lines = s.execute(select(OrderLine.line_no, OrderLine.quantity,
                                 OrderLine.unit_price_minor).where(
            OrderLine.order_id == order.id).order_by(OrderLine.line_no)).all()
        events = s.execute(select(Event.id, Event.kind).where(
            Event.order_id == order.id).order_by(Event.id)).all()
    return row, tuple(lines), tuple(events)


def editor(sb):
    open_views = [v for v in sb.views(user=PROCESSOR) if v.callback_id == EditOrderIds.CALLBACK]
    if open_views:
        return open_views[-1]
    for view in sb.views(user=PROCESSOR):
        sb.close_view(view, user=PROCESSOR)
    delivery = sb.slash("/order", f"edit {REF}", user=PROCESSOR, channel=CHANNEL)
    assert delivery.status == 200, delivery.problems
    sb.wait_for(lambda: [v for v in sb.views(user=PROCESSOR)
                         if v.callback_id == EditOrderIds.CALLBACK])
    return editor(sb)
