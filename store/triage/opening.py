"""Opening discrepancies from findings, inside the caller's write transaction: insert (the same
finding on the same order is ignored), route, decide parent post or batch, queue the posts
and the account owner's DM. All of it commits, or none does. The row itself records who
opened it and when (opened_by, opened_at); the events log holds what happens afterwards."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store.db import among
from store.enums import DiscrepancyStatus, PostKind
from store.models import Customer, Discrepancy, Follow, Order
from store.questions import kind_words, notify_followers
from store.triage import posts
from store.triage.facts import chunks
from store.triage.findings import Finding
from store.triage.rules import CheckRules
from store.workspace import channel_for, route_map

MANUAL = "manual:"  # a person's flag (store.triage.operations.flag_order): never batched


def open_findings(session: Session, findings: list[Finding], *, actor: str, now: datetime,
                  rules: CheckRules) -> list[int]:
    """Open a discrepancy per new finding; returns the new ids (known findings are skipped)."""
    new = _insert(session, findings, actor=actor, now=now, rules=rules)
    if not new:
        return []
    by_id = {d_id: f for d_id, f in new}
    _route_and_post(session, by_id, now=now, rules=rules)
    _tell_reps(session, by_id, now=now, rules=rules)
    _tell_followers(session, by_id)
    return list(by_id)


def _insert(session, findings, *, actor, now, rules) -> list[tuple[int, Finding]]:
    make = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    by_key = {(f.order_id, f.fingerprint): f for f in findings}
    if not by_key:
        return []
    # One statement, many parameter sets: SQLAlchemy batches it ("insertmanyvalues") and
    # compiles it once. RETURNING, not rowcount: psycopg 3 reports -1 for ON CONFLICT inserts.
    stmt = (make(Discrepancy).on_conflict_do_nothing(index_elements=["order_id", "fingerprint"])
            .returning(Discrepancy.id, Discrepancy.order_id, Discrepancy.fingerprint))
    rows = [_row(f, actor=actor, now=now, rules=rules) for f in by_key.values()]
    result = session.execute(stmt, rows)
    out = [(r.id, by_key[(r.order_id, r.fingerprint)]) for r in result]
    return sorted(out, key=lambda pair: pair[0])


def _row(f: Finding, *, actor: str, now: datetime, rules: CheckRules) -> dict:
    return {"order_id": f.order_id, "type": f.type, "severity": f.severity,
            "status": DiscrepancyStatus.NEW, "fingerprint": f.fingerprint, "title": f.title,
            "evidence": f.evidence, "opened_by": actor, "opened_at": now,
            "sla_due_at": now + rules.sla_for(f.type), "version_id": 1}


def _route_and_post(session, by_id: dict[int, Finding], *, now, rules: CheckRules) -> None:
    """A parent message per item, until a channel passes its hourly threshold: then the rest
    of that hour is counted into one summary message pointing at those items in the queue.
    People's own flags always get a parent. More new items at once than the threshold (a
    first import of a backlog) go into one summary of their own and leave the hour's budget
    alone, so the new work that follows still gets its parents."""
    routes = route_map(session)
    per_channel: dict[str, list[tuple[int, Finding]]] = defaultdict(list)
    for d_id, f in by_id.items():
        channel = channel_for(routes, f.type.value)
        if channel:
            per_channel[channel].append((d_id, f))
    bucket = posts.hour_bucket(now)
    for channel, items in per_channel.items():
        threshold = rules.batch_threshold_for([k for k, c in routes.items() if c == channel])
        manual = [d_id for d_id, f in items if f.fingerprint.startswith(MANUAL)]
        found = [d_id for d_id, f in items if not f.fingerprint.startswith(MANUAL)]
        counter = f"tb:{channel}:{bucket}"
        if len(found) > threshold:
            counter, parented, batched = f"{counter}:{found[0]}", manual, found
            posts.bump(session, counter, len(found))
            room_left = 0  # the summary counts all of them
        else:
            total = posts.bump(session, counter, len(found))
            room = max(0, threshold - (total - len(found)))
            parented, batched = manual + found[:room], found[room:]
            room_left = threshold
        if parented:
            session.execute(update(Discrepancy).where(among(session, Discrepancy.id, parented))
                            .values(channel_id=channel), execution_options={
                                "synchronize_session": False})
        for d_id in sorted(parented):
            posts.post_parent(session, d_id, channel)
        if batched:
            posts.batch_summary(session, render=PostKind.TRIAGE_BATCH, channel=channel,
                                counter=counter, threshold=room_left)


def _tell_followers(session, by_id: dict[int, Finding]) -> None:
    """Threads following an order hear it was flagged (one query finds the followed orders)."""
    order_ids = {f.order_id for f in by_id.values()}
    followed = set()
    for part in chunks(order_ids):
        followed.update(session.scalars(
            select(Follow.order_id).where(among(session, Follow.order_id, part))))
    for d_id, f in by_id.items():
        if f.order_id in followed:
            notify_followers(session, order_id=f.order_id, text=f"Flagged: {f.title}",
                             status_text=f"Flagged: {kind_words(f.type)}", internal=True,
                             dedupe_key=f"triage-flagged:{d_id}")


def reps_of(session: Session, order_ids) -> dict[int, str]:
    """order id -> the account owner: the customer's rep, the one who sees its orders in full
    (store.workspace.visibility). The order's own rep is not: under the `status` policy they
    read its card as status only, and were DMed its problems in full."""
    out = {}
    for part in chunks(order_ids):
        rows = session.execute(
            select(Order.id, Customer.sales_rep_id)
            .join(Customer, Customer.id == Order.customer_id).where(among(session, Order.id, part)))
        out.update({oid: rep for oid, rep in rows if rep})
    return out


def _tell_reps(session, by_id: dict[int, Finding], *, now, rules: CheckRules) -> None:
    reps = reps_of(session, {f.order_id for f in by_id.values()})
    per_rep: dict[str, list[int]] = defaultdict(list)
    for d_id, f in by_id.items():
        if f.order_id in reps:
            per_rep[reps[f.order_id]].append(d_id)
    for rep, ids in per_rep.items():
        counter = f"td:{rep}:{posts.hour_bucket(now)}"
        total = posts.bump(session, counter, len(ids))
        room = max(0, rules.batch_threshold - (total - len(ids)))
        for d_id in ids[:room]:
            posts.rep_dm(session, d_id, rep, "flagged")
        if ids[room:]:
            # A DM's channel id is only known once posted, so its summary is not updated later.
            posts.batch_summary(session, render=PostKind.TRIAGE_DM_BATCH, channel=rep,
                                counter=counter, threshold=rules.batch_threshold, updates=False)
