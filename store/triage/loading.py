"""Discrepancies as frozen views for messages, and the loaders behind them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from store import clock
from store.db import Database
from store.enums import DiscrepancyStatus
from store.errors import DiscrepancyNotFound
from store.models import Discrepancy, Event, Order
from store.records import event_view
from store.triage.findings import WORDS
from store.triage.rules import AUTOMATIC_REASONS, RESOLUTION_REASONS
from store.views.orders import EventView

OPEN_STATES = (DiscrepancyStatus.NEW, DiscrepancyStatus.ASSIGNED, DiscrepancyStatus.SNOOZED,
               DiscrepancyStatus.ESCALATED)


@dataclass(frozen=True)
class DiscrepancyView:
    id: int
    order_id: int
    order_ref: str
    customer_name: str
    type: str
    severity: str
    status: str
    title: str
    expected: str | None
    found: str | None
    fix_label: str | None
    owner_id: str | None
    opened_by: str | None
    opened_at: datetime
    sla_due_at: datetime | None
    overdue: bool
    snoozed_until: datetime | None
    escalated_at: datetime | None
    resolved_at: datetime | None
    resolved_by: str | None
    resolution_reason: str | None
    resolution_label: str | None
    resolution_note: str | None
    channel_id: str | None
    message_ts: str | None
    version: int
    # The finding's kind and figures (store.triage.findings.WORDS) for messages/ to word it in
    # the reader's language; None on items opened before they were kept.
    words: dict | None = None
    # False where the visibility policy cut the title, figures and fix for this reader.
    detail_shown: bool = True

    @property
    def is_open(self) -> bool:
        return self.status != DiscrepancyStatus.RESOLVED.value


def discrepancy_view(d: Discrepancy, *, now: datetime | None = None) -> DiscrepancyView:
    now = now or clock.now()
    evidence = d.evidence or {}
    fix = evidence.get("fix") if isinstance(evidence.get("fix"), dict) else None
    open_ = d.status != DiscrepancyStatus.RESOLVED
    return DiscrepancyView(
        id=d.id, order_id=d.order_id, order_ref=d.order.ref, customer_name=d.order.customer.name,
        type=d.type.value, severity=d.severity.value, status=d.status.value, title=d.title,
        expected=_text(evidence.get("expected")), found=_text(evidence.get("found")),
        fix_label=fix.get("label") if fix and open_ else None, owner_id=d.owner_id,
        opened_by=d.opened_by, opened_at=d.opened_at, sla_due_at=d.sla_due_at,
        overdue=bool(open_ and d.sla_due_at and d.sla_due_at <= now),
        snoozed_until=d.snoozed_until, escalated_at=d.escalated_at, resolved_at=d.resolved_at,
        resolved_by=d.resolved_by, resolution_reason=d.resolution_reason,
        resolution_label=_reason_label(d.resolution_reason),
        resolution_note=d.resolution_note, channel_id=d.channel_id, message_ts=d.message_ts,
        version=d.version_id,
        words=evidence.get(WORDS) if isinstance(evidence.get(WORDS), dict) else None,
    )


def _reason_label(reason: str | None) -> str | None:
    if reason is None:
        return None
    return {**RESOLUTION_REASONS, **AUTOMATIC_REASONS}.get(reason, reason.replace("_", " "))


def _text(value) -> str | None:
    return None if value is None else str(value)


def load_discrepancy(session: Session, discrepancy_id: int, *,
                     for_update: bool = False) -> Discrepancy:
    stmt = (select(Discrepancy).where(Discrepancy.id == int(discrepancy_id))
            .options(joinedload(Discrepancy.order).joinedload(Order.customer)))
    if for_update:
        # The order first, as every change of an order (edit, ship) locks it and then its
        # items: taken the other way round (the item, then the order for its Event) the two
        # deadlocked on PostgreSQL.
        session.execute(select(Order.id).where(Order.id == select(Discrepancy.order_id).where(
            Discrepancy.id == int(discrepancy_id)).scalar_subquery()).with_for_update())
        stmt = stmt.with_for_update(of=Discrepancy)
    d = session.scalars(stmt).first()
    if d is None:
        raise DiscrepancyNotFound(discrepancy_id)
    return d


def get_discrepancy(db: Database, *, discrepancy_id: int) -> DiscrepancyView:
    with db.read() as session:
        return discrepancy_view(load_discrepancy(session, discrepancy_id))


@dataclass(frozen=True)
class NoteView:
    discrepancy: DiscrepancyView
    event: EventView


def get_note(db: Database, *, discrepancy_id: int, event_id: int) -> NoteView | None:
    """A thread note: the event and the discrepancy it belongs to (None if the event is gone)."""
    with db.read() as session:
        event = session.get(Event, int(event_id))
        if event is None:
            return None
        d = load_discrepancy(session, discrepancy_id)
        return NoteView(discrepancy_view(d), event_view(event))
