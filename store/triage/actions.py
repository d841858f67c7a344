"""What people (and the clock) do to a discrepancy: assign, resolve, snooze, escalate.

Each operation is one write transaction: lock the row, check its state (so a double click or
a retried request is a no-op that says so), change it, log an Event, and queue the parent's
update, a thread note and any DM in the outbox with it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store import clock, outbox
from store.control_chars import too_long
from store.db import Database
from store.enums import DiscrepancyStatus as St
from store.enums import PostKind, Role
from store.errors import ValidationFailed
from store.models import Counter, Customer, Discrepancy, Event
from store.periods import zone
from store.questions import kind_words, notify_followers
from store.triage import posts
from store.triage.loading import DiscrepancyView, discrepancy_view, load_discrepancy
from store.triage.opening import reps_of
from store.triage.rules import AUTOMATIC_REASONS, RESOLUTION_REASONS, CheckRules, active
from store.workspace import MANAGER, channel_for, refresh_homes, route_map, take_off_desk

NO_LONGER_FOUND = "no_longer_found"


@dataclass(frozen=True)
class ActionResult:
    discrepancy: DiscrepancyView
    # What happened: e.g. "assigned", or "already_resolved" when nothing was done.
    outcome: str

    @property
    def changed(self) -> bool:
        return not self.outcome.startswith("already")


def record(session: Session, d: Discrepancy, *, actor: str, kind: str, summary: str,
           now: datetime, changes: list | None = None, note: bool = True) -> Event:
    """Log what happened, and queue the parent's refresh and its thread note."""
    session.flush()
    event = Event(actor_id=actor, kind=kind, order_id=d.order_id, discrepancy_id=d.id, at=now,
                  summary=summary[:300], changes=changes or [])
    session.add(event)
    session.flush()
    posts.refresh_parent(session, d)
    # The owner's Home lists it (or no longer does), and so did the actor's, say, before
    # handing it on.
    refresh_homes(session, (d.owner_id, actor))
    if note:
        posts.thread_note(session, d, event.id)
    return event


def _act(db: Database, discrepancy_id: int, action, now: datetime | None) -> ActionResult:
    now = now or clock.now()
    with db.write() as session:
        d = load_discrepancy(session, discrepancy_id, for_update=True)
        outcome = action(session, d, now)
        return ActionResult(discrepancy_view(d, now=now), outcome)


def assign(db: Database, *, discrepancy_id: int, actor: str, assignee: str,
           now: datetime | None = None) -> ActionResult:
    def act(session, d, now):
        if d.status == St.RESOLVED:
            return "already_resolved"
        if d.owner_id == assignee:
            return "already_assigned"
        before, d.owner_id = d.owner_id, assignee
        if d.status in (St.NEW, St.SNOOZED):
            d.status, d.snoozed_until = St.ASSIGNED, None
        who = "took it" if assignee == actor else f"assigned it to {assignee}"
        record(session, d, actor=actor, kind="triage.assigned", summary=who, now=now,
               changes=[{"field": "owner", "before": before, "after": assignee}])
        return "assigned"
    return _act(db, discrepancy_id, act, now)


def hand_back(db: Database, *, owner: str, actor: str, now: datetime | None = None) -> int:
    """The open items `owner` holds, back to nobody: they left the desk (made a sales rep, who
    works no items), and their items were left with someone who can never act, out of the
    unassigned queue and the managers' Home until the SLA escalated them. Returns how many."""
    now = now or clock.now()
    with db.write() as session:
        items = session.scalars(select(Discrepancy).where(
            Discrepancy.owner_id == owner, Discrepancy.status != St.RESOLVED)
            .order_by(Discrepancy.id).with_for_update()).all()
        for d in items:
            d.owner_id = None
            if d.status == St.ASSIGNED:
                d.status = St.NEW
            record(session, d, actor=actor, kind="triage.assigned", now=now,
                   summary=f"handed it back: {owner} is no longer on the desk",
                   changes=[{"field": "owner", "before": owner, "after": None}])
        return len(items)


PERSON_DEACTIVATED = "person.deactivated"
_ACCOUNTS_NAMED = 10  # the managers' post names this many of the accounts left without a rep


@dataclass(frozen=True)
class Departure:
    """What Orderdesk undid when Slack deactivated someone (person_deactivated)."""

    user_id: str
    role_before: Role | None  # the role taken from them; None: they had the lowest already
    handed_back: int  # open items back in the queue
    accounts: tuple[str, ...]  # codes of the first customers still naming them as their rep
    account_count: int
    told: bool  # the managers' channel was sent a post about it


def person_deactivated(db: Database, *, user_id: str, admins: Collection[str],
                       default_role: Role, now: datetime | None = None) -> Departure:
    """Slack says `user_id` was deactivated. In one transaction: the lowest role, their open
    items back to the queue (each with a thread note), and one post to the managers' channel
    (else the default route) saying so and naming the accounts that still name them as rep:
    Slack accepts posts to a deactivated person's DM, so those accounts' problems would go
    where nobody reads. Slack sends user_change again for later edits of that profile: the
    post goes when something changed, or the first time they are seen deactivated while
    owning accounts."""
    now = now or clock.now()
    with db.write() as session:
        before = take_off_desk(db, user_id=user_id, admins=admins, default_role=default_role,
                               reason="deactivated in Slack")
        handed = hand_back(db, owner=user_id, actor="system", now=now)
        owned = Customer.sales_rep_id == user_id
        codes = tuple(session.scalars(select(Customer.code).where(owned).order_by(Customer.code)
                                      .limit(_ACCOUNTS_NAMED)))
        count = session.scalar(select(func.count()).select_from(Customer).where(owned)) or 0
        # Counted per person (an indexed row) rather than looked for among all the events;
        # reset when they are active again (person_active).
        first = posts.bump(session, _deactivations(user_id), 1) == 1
        tell = before is not None or handed > 0 or (count > 0 and first)
        channel = channel_for(route_map(session), MANAGER) if tell else None
        if tell:
            event = Event(actor_id="system", kind=PERSON_DEACTIVATED, at=now,
                          summary=f"{user_id} was deactivated in Slack",
                          changes=[{"field": "role", "before": before and before.value,
                                    "after": Role.SALES.value, "user_id": user_id}])
            session.add(event)
            session.flush()
            if channel:
                outbox.enqueue(session, method="chat.postMessage",
                               dedupe_key=f"person-deactivated:{event.id}", payload={
                                   "$render": PostKind.PERSON_DEACTIVATED, "channel": channel,
                                   "user_id": user_id,
                                   "role_before": before and before.value,
                                   "handed_back": handed, "accounts": list(codes),
                                   "account_count": count})
        return Departure(user_id=user_id, role_before=before, handed_back=handed,
                         accounts=codes, account_count=count, told=bool(channel))


def person_active(db: Database, *, user_id: str) -> None:
    """Slack says `user_id` is active (any profile change): if they were deactivated before,
    a later deactivation is told to the managers again. A read first: most people never were,
    and Slack sends this for every profile change of everyone."""
    key = _deactivations(user_id)
    with db.read() as session:
        if session.get(Counter, key) is None:
            return
    with db.write() as session:
        session.execute(delete(Counter).where(Counter.name == key))


def _deactivations(user_id: str) -> str:
    return f"off:{user_id}"  # counters' names hold 32 characters; Slack's ids are 9 to 11


def resolve(db: Database, *, discrepancy_id: int, actor: str, reason: str,
            note: str | None = None, now: datetime | None = None) -> ActionResult:
    if reason not in RESOLUTION_REASONS:
        raise ValidationFailed({"reason": "Pick a resolution reason."})
    note = (note or "").strip() or None
    if problem := too_long(note, "resolution_note", "The note"):
        raise ValidationFailed({"note": problem})

    def act(session, d, now):
        if d.status == St.RESOLVED:
            return "already_resolved"
        close(session, d, actor=actor, reason=reason, note=note, now=now)
        return "resolved"
    return _act(db, discrepancy_id, act, now)


def close(session: Session, d: Discrepancy, *, actor: str, reason: str, note: str | None,
          now: datetime) -> None:
    """Resolve inside the caller's transaction; tells the account owner."""
    before = d.status.value
    d.status, d.resolved_at, d.resolved_by = St.RESOLVED, now, actor
    d.resolution_reason, d.resolution_note, d.snoozed_until = reason, note, None
    label = {**RESOLUTION_REASONS, **AUTOMATIC_REASONS}.get(reason, reason.replace("_", " "))
    record(session, d, actor=actor, kind="triage.resolved", now=now,
           summary=f"resolved: {label}" + (f" — {note}" if note else ""),
           changes=[{"field": "status", "before": before, "after": "resolved"}])
    rep = reps_of(session, [d.order_id]).get(d.order_id)
    if rep:
        posts.rep_dm(session, d.id, rep, "resolved")
    notify_followers(session, order_id=d.order_id, text=f"Resolved: {d.title} ({label})",
                     status_text=f"Resolved: {kind_words(d.type)} ({label})", internal=True,
                     dedupe_key=f"triage-resolved:{d.id}")


def close_vanished(session: Session, d: Discrepancy, *, actor: str, now: datetime) -> None:
    """An automatic finding that a re-check no longer finds resolves itself."""
    close(session, d, actor=actor, reason=NO_LONGER_FOUND, now=now,
          note="the order no longer has this problem")


def snooze_until(choice: str, now: datetime, rules: CheckRules | None = None,
                 timezone: str = "UTC") -> datetime:
    """When a snooze chosen at `now` wakes. "Tomorrow" is the desk's next day (`timezone`) at
    its morning hour: the UTC date woke a Chatham desk's Tuesday-morning snooze on Tuesday
    evening."""
    rules = active(rules)
    for value, _label, delta in rules.snooze_choices:
        if value == choice:
            if delta is not None:
                return now + delta
            desk = zone(timezone)
            tomorrow = now.astimezone(desk).date() + timedelta(days=1)
            return datetime.combine(tomorrow, time(rules.tomorrow_hour), tzinfo=desk) \
                .astimezone(UTC)
    raise ValidationFailed({"snooze": f"'{choice}' is not a snooze choice."})


def snooze(db: Database, *, discrepancy_id: int, actor: str, choice: str,
           now: datetime | None = None, rules: CheckRules | None = None,
           timezone: str = "UTC") -> ActionResult:
    def act(session, d, now):
        until = snooze_until(choice, now, rules, timezone)
        if d.status == St.RESOLVED:
            return "already_resolved"
        # The same choice moments apart (a double click, a retry) lands on the same time.
        if d.status == St.SNOOZED and d.snoozed_until and abs(
                d.snoozed_until - until) < timedelta(minutes=2):
            return "already_snoozed"
        # Snoozed again: the wake time it had is the change's before, not nothing.
        before = d.snoozed_until.isoformat() if d.status == St.SNOOZED and d.snoozed_until \
            else None
        d.status, d.snoozed_until = St.SNOOZED, until
        record(session, d, actor=actor, kind="triage.snoozed", now=now,
               summary=f"snoozed until {until:%Y-%m-%d %H:%M} UTC",
               changes=[{"field": "snoozed_until", "before": before,
                         "after": until.isoformat()}])
        return "snoozed"
    return _act(db, discrepancy_id, act, now)


def escalate(db: Database, *, discrepancy_id: int, actor: str,
             now: datetime | None = None) -> ActionResult:
    def act(session, d, now):
        if d.status == St.RESOLVED:
            return "already_resolved"
        if d.escalated_at is not None:
            return "already_escalated"
        return raise_to_managers(session, d, actor=actor, now=now)
    return _act(db, discrepancy_id, act, now)


def raise_to_managers(session: Session, d: Discrepancy, *, actor: str, now: datetime) -> str:
    d.status, d.escalated_at, d.snoozed_until = St.ESCALATED, now, None
    event = record(session, d, actor=actor, kind="triage.escalated", now=now,
                   summary="escalated to the managers")
    channel = route_map(session).get(MANAGER)
    if channel is None:
        return "escalated_no_route"
    posts.escalation(session, d, channel, event.id)
    return "escalated"
