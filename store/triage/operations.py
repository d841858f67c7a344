"""Discrepancies: the triage operations in one place.

    flag_order(db, ref=, actor=, reason=)              a person's flag -> FlagResult
    assign / resolve / snooze / escalate                 buttons on the parent -> ActionResult
    (apply_fix, which edits the order, is store.orders')
    get_discrepancy(db, discrepancy_id=)                -> DiscrepancyView
    wake_snoozed / nudge_overdue / escalate_overdue     the clock's SLA work -> count
    order_ref_in(db, text=)                             the order a message talks about

Every operation is one write transaction that also queues its Slack posts (store.outbox).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from store import clock
from store.control_chars import too_long
from store.db import Database
from store.enums import DiscrepancyStatus as St
from store.enums import DiscrepancyType
from store.errors import AmbiguousRef, OrderNotFound, ValidationFailed
from store.lookup import ref_tokens
from store.models import Discrepancy
from store.records import load_order
from store.refs import ref_prefixes
from store.triage.actions import (
    RESOLUTION_REASONS,
    ActionResult,
    assign,
    escalate,
    hand_back,
    person_active,
    person_deactivated,
    raise_to_managers,
    record,
    resolve,
    snooze,
)
from store.triage.findings import Finding
from store.triage.loading import (
    DiscrepancyView,
    discrepancy_view,
    get_discrepancy,
    get_note,
    load_discrepancy,
)
from store.triage.opening import open_findings
from store.triage.posts import batch_message
from store.triage.rules import CheckRules, active

__all__ = [
    "RESOLUTION_REASONS", "ActionResult", "DiscrepancyView", "FlagResult",
    "assign", "batch_state", "escalate", "escalate_overdue", "flag_order", "get_discrepancy",
    "get_note", "hand_back", "nudge_overdue", "order_ref_in", "person_active",
    "person_deactivated", "resolve", "snooze", "wake_snoozed",
]
MAX_REASON = 500


@dataclass(frozen=True)
class FlagResult:
    discrepancy: DiscrepancyView
    created: bool  # False: the same person already flagged this order for the same reason


def flag_order(db: Database, *, ref: str, actor: str, reason: str,
               now: datetime | None = None, rules: CheckRules | None = None,
               kind: str = DiscrepancyType.OTHER.value) -> FlagResult:
    """A person's flag; `kind` a discrepancy type (words or value: "price mismatch")."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed({"reason": "Say what is wrong with the order."})
    if problem := too_long(reason, "reason", "The reason"):
        raise ValidationFailed({"reason": problem})
    try:
        dtype = DiscrepancyType("_".join((kind or "other").lower().split()))
    except ValueError:
        names = ", ".join(t.value for t in DiscrepancyType)
        raise ValidationFailed({"type": f"'{kind}' is not a problem type; use one of: {names}."})
    rules = active(rules)
    now = now or clock.now()
    typed = "" if dtype == DiscrepancyType.OTHER else f"{dtype.value}|"  # OTHER keeps old keys
    key = hashlib.sha256(f"{actor}|{typed}{reason.lower()}".encode()).hexdigest()[:16]
    with db.write() as session:
        order = load_order(session, ref)
        finding = Finding(order.id, dtype, rules.severity("manual"),
                          f"manual:{key}", reason[:200],
                          {"expected": None, "found": reason, "flagged_by": actor})
        created = bool(open_findings(session, [finding], actor=actor, now=now, rules=rules))
        d_id = session.scalar(select(Discrepancy.id).where(
            Discrepancy.order_id == order.id, Discrepancy.fingerprint == finding.fingerprint))
        return FlagResult(discrepancy_view(load_discrepancy(session, d_id), now=now), created)


def _due(db: Database, *where) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(Discrepancy.id).where(*where)
                                    .order_by(Discrepancy.id).limit(500)))


def wake_snoozed(db: Database, *, now: datetime | None = None) -> int:
    """Snoozes that ended: back to the queue (assigned if someone owns it)."""
    now = now or clock.now()
    woken = 0
    for d_id in _due(db, Discrepancy.status == St.SNOOZED, Discrepancy.snoozed_until <= now):
        with db.write() as session:
            d = load_discrepancy(session, d_id, for_update=True)
            if d.status != St.SNOOZED or d.snoozed_until is None or d.snoozed_until > now:
                continue  # another clock got here first, or it was re-snoozed
            d.status, d.snoozed_until = (St.ASSIGNED if d.owner_id else St.NEW), None
            record(session, d, actor="system", kind="triage.woken", now=now,
                   summary="snooze ended")
            woken += 1
    return woken


def nudge_overdue(db: Database, *, now: datetime | None = None) -> int:
    """Past its SLA target and not nudged yet: one reminder in its thread."""
    now = now or clock.now()
    nudged = 0
    active = (St.NEW, St.ASSIGNED, St.ESCALATED)
    for d_id in _due(db, Discrepancy.status.in_(active), Discrepancy.sla_due_at <= now,
                     Discrepancy.nudged_at.is_(None)):
        with db.write() as session:
            d = load_discrepancy(session, d_id, for_update=True)
            if d.status not in active or d.nudged_at is not None:
                continue
            d.nudged_at = now
            record(session, d, actor="system", kind="triage.nudged", now=now,
                   summary="is past its SLA target")
            nudged += 1
    return nudged


def escalate_overdue(db: Database, *, now: datetime | None = None,
                     rules: CheckRules | None = None) -> int:
    """Nudged, still open `escalate_after` later, never escalated: escalate it."""
    now, rules = now or clock.now(), active(rules)
    escalated = 0
    for d_id in _due(db, Discrepancy.status.in_((St.NEW, St.ASSIGNED)),
                     Discrepancy.nudged_at <= now - rules.escalate_after,
                     Discrepancy.escalated_at.is_(None)):
        with db.write() as session:
            d = load_discrepancy(session, d_id, for_update=True)
            if d.status not in (St.NEW, St.ASSIGNED) or d.escalated_at is not None:
                continue
            raise_to_managers(session, d, actor="system", now=now)
            escalated += 1
    return escalated


def batch_state(db: Database, *, counter: str) -> tuple[str | None, int]:
    """(ts of a batch summary message if posted, how many items its counter holds)."""
    with db.read() as session:
        return batch_message(session, counter)


def order_ref_in(db: Database, *, text: str) -> str | None:
    """The first token of a message's text that names exactly one existing order (SO-1042,
    hx 2001, #1001); nothing is guessed beyond that: a message shortcut acts on what is written."""
    with db.read() as session:
        for token in ref_tokens(text, ref_prefixes(session))[:20]:
            try:
                return load_order(session, token).ref
            except (OrderNotFound, AmbiguousRef):
                continue
    return None
