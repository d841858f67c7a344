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

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from store import clock
from store.customers import CREDIT_STATUSES, UNPAID
from store.db import Database, among
from store.enums import DiscrepancyStatus, DiscrepancyType
from store.models import OPEN_CREDIT, Discrepancy, Order, OrderLine, Product
from store.triage.actions import NO_LONGER_FOUND, close_vanished, record
from store.triage.facts import CustomerFacts, Facts, chunks, load_credit_facts, load_facts
from store.triage.findings import (
    EXTERNAL_PREFIX,
    LATE_FINGERPRINT,
    WORDS,
    Finding,
    check_credit,
    find_problems,
)
from store.triage.history import HistoryCache
from store.triage.opening import MANUAL as MANUAL_PREFIX
from store.triage.opening import open_findings
from store.triage.rules import CheckRules, active

_CREDIT_STATUSES = frozenset(s.value for s in CREDIT_STATUSES)
_UNPAID = frozenset(s.value for s in UNPAID)

__all__ = ["CheckReport", "Finding", "HistoryCache", "check_orders", "check_stored_orders",
           "findings_for", "recheck_changed_products"]


@dataclass(frozen=True)
class CheckReport:
    orders_checked: int
    findings: int
    opened: tuple[int, ...]
    closed: tuple[int, ...]


def findings_for(session: Session, order_ids: list[int], *, now: datetime | None = None,
                 rules: CheckRules | None = None,
                 history_cache: HistoryCache | None = None) -> list[Finding]:
    """What the checks find on these orders, without opening anything."""
    now, rules = now or clock.now(), active(rules)
    return _find(session, order_ids, now, rules, history_cache)[1]


def _find(session: Session, order_ids: list[int], now: datetime, rules: CheckRules,
          history_cache: HistoryCache | None) -> tuple[Facts, list[Finding]]:
    facts = load_facts(session, list(order_ids), window=rules.duplicate_window,
                       history_cache=history_cache)
    return facts, [f for order in facts.orders for f in find_problems(order, facts, rules, now)]


def check_orders(session: Session, order_ids: list[int], *, actor: str,
                 now: datetime | None = None, rules: CheckRules | None = None,
                 recheck: bool = False, history_cache: HistoryCache | None = None,
                 lines_changed: dict[int, set[int]] | None = None) -> CheckReport:
    """history_cache: one import run's (store.triage.history.HistoryCache), across batches.
    lines_changed: an edit's re-check, order id -> the line numbers it added or changed
    (_priced_as_taken); None: every line is judged afresh."""
    now, rules = now or clock.now(), active(rules)
    ids = list(dict.fromkeys(order_ids))
    if recheck:
        link_catalog_skus(session, ids)
    facts, findings = _find(session, ids, now, rules, history_cache)
    if lines_changed is not None:
        findings = _priced_as_taken(session, findings, lines_changed)
    if recheck:  # a problem can come back only on an order checked before
        _archive_found_again(session, findings)
    opened = open_findings(session, findings, actor=actor, now=now, rules=rules)
    closed: list[int] = []
    if recheck:
        closed = _settle_known(session, ids, findings, actor=actor, now=now)
    # A changed order may move its customer's unpaid total, a new one only when it is unpaid
    # in a status that counts (most imported orders are paid): other orders' credit items too.
    moved = {o.customer_id for o in facts.orders
             if recheck or (o.status in _CREDIT_STATUSES and o.payment_status in _UNPAID)}
    closed += _recheck_credit_of_others(session, ids, moved, facts.customers, actor=actor,
                                        now=now, rules=rules)
    return CheckReport(len(ids), len(findings), tuple(opened), tuple(closed))


def _priced_as_taken(session: Session, findings: list[Finding],
                     lines_changed: dict[int, set[int]]) -> list[Finding]:
    """A line an edit left alone keeps the price it was taken at: the catalog or the
    customer's price moving since is no news about this order (an address fix opened "catalog
    price $4.00" on a cable taken at $3.00, which held the order back, and whose fix would have
    re-priced the customer). A price item already open on it stays open."""
    stale = [f for f in findings if f.type == DiscrepancyType.PRICE_MISMATCH
             and f.evidence.get("line_no") not in lines_changed.get(f.order_id, ())]
    if not stale:
        return findings
    open_now = set(session.execute(select(Discrepancy.order_id, Discrepancy.fingerprint).where(
        Discrepancy.order_id.in_({f.order_id for f in stale}),
        Discrepancy.type == DiscrepancyType.PRICE_MISMATCH,
        Discrepancy.status != DiscrepancyStatus.RESOLVED)).all())
    dropped = {(f.order_id, f.fingerprint) for f in stale} - open_now
    return [f for f in findings if (f.order_id, f.fingerprint) not in dropped]


def link_catalog_skus(session: Session, order_ids: list[int]) -> None:
    """Lines whose SKU was not in the catalog when they were written, and is now (the catalog
    caught up): linked to the product, so the recheck finds a known SKU, its price and stock."""
    lines = [ln for part in chunks(order_ids) for ln in session.scalars(
        select(OrderLine).where(among(session, OrderLine.order_id, part),
                                OrderLine.product_id.is_(None)))]
    if not lines:
        return
    products = {sku: pid for sku, pid in session.execute(select(Product.sku, Product.id).where(
        Product.sku.in_({ln.sku for ln in lines})))}
    for line in lines:
        line.product_id = products.get(line.sku, line.product_id)
    session.flush()


def recheck_unknown_skus(session: Session, skus, *, actor: str) -> int:
    """Orders with an open unknown-SKU item on a line of one of `skus`, checked again now that
    the catalog has them (store.importer.catalog): linked, and the item resolved. Returns how
    many orders were checked."""
    order_ids = list(dict.fromkeys(session.scalars(
        select(OrderLine.order_id).join(Discrepancy, Discrepancy.order_id == OrderLine.order_id)
        .where(OrderLine.sku.in_(set(skus)), OrderLine.product_id.is_(None),
               Discrepancy.type == DiscrepancyType.UNKNOWN_SKU,
               Discrepancy.status != DiscrepancyStatus.RESOLVED)
        .order_by(OrderLine.order_id))))
    if order_ids:
        check_orders(session, order_ids, actor=actor, recheck=True)
    return len(order_ids)


# What a catalog import can settle: more stock on hand, a new catalog price.
_CATALOG_TYPES = (DiscrepancyType.INSUFFICIENT_STOCK, DiscrepancyType.PRICE_MISMATCH)
RECHECK_MAX_ORDERS = 2_000  # a catalog import's recheck in one transaction; more wait for edits


def recheck_changed_products(session: Session, skus, *, actor: str) -> int:
    """Orders with an open stock or price item on a line of one of `skus`, checked again after
    a catalog import changed those products (a restock settles "not enough stock", which
    otherwise held the order back until someone resolved it by hand). Returns how many."""
    order_ids = list(dict.fromkeys(session.scalars(
        select(OrderLine.order_id).join(Discrepancy, Discrepancy.order_id == OrderLine.order_id)
        .where(OrderLine.sku.in_(set(skus)), Discrepancy.type.in_(_CATALOG_TYPES),
               Discrepancy.status != DiscrepancyStatus.RESOLVED)
        .order_by(OrderLine.order_id).limit(RECHECK_MAX_ORDERS))))
    if order_ids:
        check_orders(session, order_ids, actor=actor, recheck=True)
    return len(order_ids)


def _settle_known(session: Session, order_ids: list[int], findings: list[Finding], *,
                  actor: str, now: datetime, only=None) -> list[int]:
    """Open automatic items of these orders: found again with other figures (the unpaid total
    after the order grew), brought up to date; not found any more, resolved. Returns those
    resolved. `only`: the one type re-checked."""
    current = {(f.order_id, f.fingerprint): f for f in findings}
    closed = []
    for d in _open_automatic(session, order_ids):
        if only is not None and d.type != only:
            continue
        found = current.get((d.order_id, d.fingerprint))
        if found is None:
            close_vanished(session, d, actor=actor, now=now)
            closed.append(d.id)
        elif ((d.title, _compared(d.evidence), d.severity)
              != (found.title, _compared(found.evidence), found.severity)):
            before = d.evidence.get("found") or d.title
            d.title, d.evidence, d.severity = found.title, found.evidence, found.severity
            record(session, d, actor=actor, kind="triage.updated", now=now,
                   summary=f"updated: {found.title} ({found.evidence.get('found')})",
                   changes=[{"field": "found", "before": before,
                             "after": found.evidence.get("found") or found.title}])
    return closed


def _archive_found_again(session: Session, findings: list[Finding]) -> None:
    """Findings whose earlier item resolved itself when the problem went away (a payment
    captured, an order brought under its credit limit) and is back: that item keeps its
    history (opened and resolved in its week) under an archived fingerprint, so the finding
    opens a new item now, posted, told and counted as new work. An item a person resolved
    stays as they left it: its finding stays known."""
    found = {(f.order_id, f.fingerprint) for f in findings}
    archived = False
    for part in chunks({order_id for order_id, _ in found}):
        for d in session.scalars(select(Discrepancy).where(
                among(session, Discrepancy.order_id, part),
                Discrepancy.status == DiscrepancyStatus.RESOLVED,
                Discrepancy.resolution_reason == NO_LONGER_FOUND)
                .order_by(Discrepancy.id).with_for_update()):
            if (d.order_id, d.fingerprint) in found:
                suffix = f"~{d.id}"
                d.fingerprint = d.fingerprint[:200 - len(suffix)] + suffix
                archived = True
    if archived:
        session.flush()  # before the new items' INSERT meets the old fingerprint


def _compared(evidence: dict) -> dict:
    """The evidence a recheck compares: without the words for messages/ (findings.WORDS), which
    items opened before they existed lack."""
    return {k: v for k, v in (evidence or {}).items() if k != WORDS}


def recheck_credit(session: Session, customer_ids, *, actor: str,
                   now: datetime | None = None, rules: CheckRules | None = None) -> list[int]:
    """What a customer owes or may owe moved outside an order's own check (a refund on an
    unpaid order, a limit re-imported): the open credit items of their orders are brought up
    to date, or resolved. Returns those resolved."""
    return _recheck_credit_of_others(session, [], set(customer_ids), {}, actor=actor,
                                     now=now or clock.now(), rules=active(rules))


def _recheck_credit_of_others(session: Session, order_ids: list[int], customers: set[int],
                              known: dict[int, CustomerFacts], *, actor: str, now: datetime,
                              rules: CheckRules) -> list[int]:
    """A customer's credit problem is about all its unpaid orders: when one of them changes,
    the open credit items of its other orders are recomputed too. customers: those whose
    unpaid total moved; known: customer facts read in this transaction."""
    if not customers:
        return []
    # Starts from the open credit items (OPEN_CREDIT's partial index: few, however many orders
    # there are); `customer_id + 0` keeps SQLite from walking every order of the customers.
    others = list(session.scalars(
        select(Discrepancy.order_id).join(Order, Order.id == Discrepancy.order_id).where(
            OPEN_CREDIT, (Order.customer_id + 0).in_(sorted(customers)),
            Order.id.not_in(order_ids),
            # `|| ''`: not an index probe, so SQLite never walks every open order by status
            # (96 ms → 2 ms per check at 1M orders)
            type_coerce(Order.status, String).concat("").in_(list(rules.checked_statuses)))
        .distinct().limit(200)))
    if not others:
        return []
    facts = load_credit_facts(session, others, known)
    credit = [f for order in facts.orders if order.status in rules.checked_statuses
              for f in check_credit(order, facts, rules, now)]
    return _settle_known(session, others, credit, actor=actor, now=now,
                         only=DiscrepancyType.CREDIT_LIMIT)


def _open_automatic(session: Session, order_ids: list[int]) -> list[Discrepancy]:
    out: list[Discrepancy] = []
    for part in chunks(order_ids):
        out.extend(session.scalars(select(Discrepancy).where(
            among(session, Discrepancy.order_id, part),
            Discrepancy.status != DiscrepancyStatus.RESOLVED,
            ~Discrepancy.fingerprint.startswith(MANUAL_PREFIX),
            Discrepancy.fingerprint != LATE_FINGERPRINT,
            ~Discrepancy.fingerprint.startswith(EXTERNAL_PREFIX),
            # The carrier's finding (store.fulfilment.delivery) and a bounce's (store.mail): no
            # order check finds them again.
            Discrepancy.type.not_in((DiscrepancyType.DELIVERY_EXCEPTION,
                                     DiscrepancyType.BAD_CONTACT))).order_by(Discrepancy.id)))
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
