"""Order checks: run them on orders as they enter (import, intake, the New order modal) or
after an edit, inside the caller's write transaction, and open a discrepancy per new finding.

    report = check_orders(session, [order.id], actor="U0PROC1", recheck=True)

What is checked, and how strictly, is in store.triage.findings and store.triage.rules (RULES).
`recheck=True` (after an edit) also resolves automatic findings that are no longer true,
e.g. a price mismatch after the price was corrected; people's manual flags stay open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import clock
from store.db import Database
from store.enums import DiscrepancyStatus
from store.models import Discrepancy
from store.triage.actions import close_vanished
from store.triage.facts import chunks, load_facts
from store.triage.findings import LATE_FINGERPRINT, Finding, find_problems
from store.triage.opening import open_findings
from store.triage.rules import CheckRules, active

MANUAL_PREFIX = "manual:"
__all__ = ["CheckReport", "Finding", "check_orders", "check_stored_orders", "findings_for"]


@dataclass(frozen=True)
class CheckReport:
    orders_checked: int
    findings: int
    opened: tuple[int, ...]
    closed: tuple[int, ...]


def findings_for(session: Session, order_ids: list[int], *, now: datetime | None = None,
                 rules: CheckRules | None = None) -> list[Finding]:
    """What the checks find on these orders, without opening anything."""
    now, rules = now or clock.now(), active(rules)
    facts = load_facts(session, list(order_ids), window=rules.duplicate_window)
    return [f for order in facts.orders for f in find_problems(order, facts, rules, now)]


def check_orders(session: Session, order_ids: list[int], *, actor: str,
                 now: datetime | None = None, rules: CheckRules | None = None,
                 recheck: bool = False) -> CheckReport:
    now, rules = now or clock.now(), active(rules)
    ids = list(dict.fromkeys(order_ids))
    findings = findings_for(session, ids, now=now, rules=rules)
    opened = open_findings(session, findings, actor=actor, now=now, rules=rules)
    closed: list[int] = []
    if recheck:
        current = {(f.order_id, f.fingerprint) for f in findings}
        for d in _open_automatic(session, ids):
            if (d.order_id, d.fingerprint) not in current:
                close_vanished(session, d, actor=actor, now=now)
                closed.append(d.id)
    return CheckReport(len(ids), len(findings), tuple(opened), tuple(closed))


def _open_automatic(session: Session, order_ids: list[int]) -> list[Discrepancy]:
    out: list[Discrepancy] = []
    for part in chunks(order_ids):
        out.extend(session.scalars(select(Discrepancy).where(
            Discrepancy.order_id.in_(part), Discrepancy.status != DiscrepancyStatus.RESOLVED,
            ~Discrepancy.fingerprint.startswith(MANUAL_PREFIX),
            Discrepancy.fingerprint != LATE_FINGERPRINT).order_by(Discrepancy.id)))
    return out


def check_stored_orders(db: Database, *, order_ids: list[int], actor: str = "system",
                        batch: int = 500, rules: CheckRules | None = None) -> CheckReport:
    """Check orders already in the database, one transaction per `batch` (bench, backfill)."""
    totals = [0, 0, [], []]
    for part in chunks(order_ids, batch):
        with db.write() as session:
            r = check_orders(session, part, actor=actor, rules=rules, recheck=True)
        totals[0] += r.orders_checked
        totals[1] += r.findings
        totals[2].extend(r.opened)
        totals[3].extend(r.closed)
    return CheckReport(totals[0], totals[1], tuple(totals[2]), tuple(totals[3]))
