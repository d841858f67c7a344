"""The exactly-once audit after a reliability run, from the database and the sandbox's record
of every Web API call the app made: each accepted order, edit, flag and click present once,
each discrepancy posted once, the outbox drained, each digest period posted once."""

from __future__ import annotations

import json
import time
from collections import Counter

from sqlalchemy import func, select
from stack import CHANNEL, TRIAGE, Stack
from traffic import Ledger

from store.db import Database
from store.models import DigestRun, Discrepancy, Event, Order, OrderLine, OutboxMessage


def wait_drained(db: Database, timeout: float) -> float | None:
    """Seconds until no outbox row is pending (None: still pending after `timeout`)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with db.read() as s:
                pending = s.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status == "pending"))
            if pending == 0:
                return time.monotonic() - started
        except Exception:  # noqa: BLE001 - the database may still be coming back
            pass
        time.sleep(0.5)
    return None


def audit(stack: Stack, ledger: Ledger) -> dict:
    """Exactly once, from the database and the sandbox's record of what the app posted."""
    db, sb = stack.db, stack.sb
    with db.read() as s:
        refs = list(ledger.orders)
        orders = Counter(s.scalars(select(Order.ref).where(Order.ref.in_(refs))))
        lines = dict(s.execute(select(Order.ref, func.count(OrderLine.id)).join(OrderLine)
                               .where(Order.ref.in_(refs)).group_by(Order.ref)).all())
        disc = s.execute(select(Discrepancy.id, Order.ref, Discrepancy.fingerprint,
                                Discrepancy.message_ts, Discrepancy.title,
                                Discrepancy.channel_id)
                         .join(Order, Discrepancy.order_id == Order.id)).all()
        edited = [e.changes for e in s.scalars(select(Event).where(Event.kind == "edited"))]
        taken = Counter(s.scalars(select(Event.discrepancy_id).where(
            Event.kind == "triage.assigned")))
        outbox = Counter(s.scalars(select(OutboxMessage.status)))
        sent_posts = s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == "sent", OutboxMessage.method == "chat.postMessage"))
        runs = Counter(str(r.status.value if hasattr(r.status, "value") else r.status)
                       for r in s.scalars(select(DigestRun)))
        posted_runs = set(s.scalars(select(DigestRun.id).where(DigestRun.status == "posted")))
    accepted_orders = ledger.accepted_orders
    # orders: every accepted one present once; none of any (refused too) half-written
    lost_orders = sorted(r for r in accepted_orders if orders[r] == 0)
    dup_orders = sorted(r for r, n in orders.items() if n > 1)
    half = sorted(r for r in orders if lines.get(r, 0) != ledger.orders[r])
    # discrepancies: each (order, type) once; each posted; intake orders each opened one
    per_key = Counter((ref, fingerprint) for _, ref, fingerprint, *_ in disc)
    dup_disc = sum(n - 1 for n in per_key.values() if n > 1)
    disc_refs = {ref for _, ref, *_ in disc}
    missing_disc = sorted(r for r in accepted_orders if r not in disc_refs)
    unposted = sum(1 for _, _, _, ts, _, channel in disc if channel and not ts)
    # edits and flags by their unique tokens
    cities = Counter(c.get("after") for changes in edited for c in (changes or [])
                     if c.get("field") == "ship-to city")
    lost_edits = [t for t in ledger.edits if cities[t] == 0]
    dup_edits = [t for t in ledger.edits if cities[t] > 1]
    reasons = Counter(title.rsplit(" ", 1)[-1] for _, _, _, _, title, _ in disc
                      if (title or "").startswith("bench flag-"))
    lost_flags = [t for t in ledger.flags if reasons[t] == 0]
    dup_flags = [t for t in ledger.flags if reasons[t] > 1]
    # takes: one assignment event and one "took it" note in the parent's thread each
    lost_takes = [d for d in ledger.takes if taken[d] == 0]
    dup_takes = [d for d in ledger.takes if taken[d] > 1]
    parent_ts = {i: ts for i, _, _, ts, *_ in disc}
    notes = {d: sum("took it" in json.dumps(m.blocks) for m in sb.thread(TRIAGE, parent_ts[d]))
             for d in ledger.takes if parent_ts.get(d)}
    lost_notes = [d for d in ledger.takes if notes.get(d, 0) == 0]
    dup_notes = [d for d, n in notes.items() if n > 1]
    # posts: what Slack accepted vs what we recorded as sent (outbox) or posted (digests)
    ok_posts = [c for c in sb.calls("chat.postMessage") if c.ok]
    digest_msgs = Counter()
    for channel_msgs in sb.ws.messages.values():
        for m in channel_msgs:
            meta = (m.metadata or {}).get("event_payload") or {}
            if (m.metadata or {}).get("event_type") == "orderdesk_digest":
                digest_msgs[meta.get("run_id")] += 1
    thread_answers = sum(1 for c in ok_posts if c.params.get("channel") == CHANNEL)
    same = Counter(_post_key(c.params) for c in ok_posts
                   if c.params.get("channel") != CHANNEL)
    repeated = sum(n - 1 for n in same.values() if n > 1)
    return {
        "orders": {"sent": len(ledger.orders), "accepted": len(accepted_orders),
                   "lost": len(lost_orders), "duplicated": len(dup_orders),
                   "half_written": len(half), "examples": (lost_orders + half)[:5]},
        "discrepancies": {"total": len(disc), "duplicated": dup_disc,
                          "accepted_orders_without_one": len(missing_disc),
                          "not_posted": unposted},
        "edits": {"accepted": len(ledger.edits), "lost": len(lost_edits),
                  "duplicated": len(dup_edits)},
        "flags": {"accepted": len(ledger.flags), "lost": len(lost_flags),
                  "duplicated": len(dup_flags)},
        "takes": {"accepted": len(ledger.takes), "lost": len(lost_takes),
                  "duplicated": len(dup_takes), "thread_notes_lost": len(lost_notes),
                  "thread_notes_duplicated": len(dup_notes)},
        "outbox": {str(getattr(k, "value", k)): v for k, v in outbox.items()},
        "posts": {"slack_accepted": len(ok_posts), "outbox_sent": sent_posts,
                  "digests_posted_runs": len(posted_runs), "thread_answers": thread_answers,
                  "unrecorded_extra": len(ok_posts) - sent_posts - sum(digest_msgs.values())
                  - thread_answers,
                  "same_content_repeated": repeated},
        "digests": {"runs": dict(runs), "posted_runs_without_message": sum(
            1 for r in posted_runs if digest_msgs[r] == 0),
            "runs_posted_more_than_once": sum(1 for n in digest_msgs.values() if n > 1)},
    }


def _post_key(params: dict) -> str:
    return json.dumps([params.get("channel"), params.get("thread_ts"), params.get("text"),
                       params.get("metadata")], sort_keys=True, default=str)


def audit_failures(result: dict) -> list[str]:
    """The audit's lost/duplicated counts that are not zero. Repeated posts are a failure only
    beyond the known limit: a post Slack took whose ts we never recorded (a process killed
    between the two) is sent again, and shows as posts.unrecorded_extra."""
    bad = []
    for section, figures in result.items():
        for key, value in figures.items():
            if isinstance(value, int) and value and key in (
                    "lost", "duplicated", "half_written", "accepted_orders_without_one",
                    "not_posted", "thread_notes_lost", "posted_runs_without_message",
                    "pending", "dead"):
                bad.append(f"{section}.{key}={value}")
    posts = result["posts"]
    if posts["unrecorded_extra"] < 0:
        bad.append(f"posts.recorded_but_not_in_slack={-posts['unrecorded_extra']}")
    if posts["same_content_repeated"] > posts["unrecorded_extra"]:
        bad.append(f"posts.repeated_beyond_known_limit="
                   f"{posts['same_content_repeated'] - posts['unrecorded_extra']}")
    return bad
