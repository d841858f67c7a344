"""Digest subscriptions: which channel gets which digest, when, in which time zone.

    subscribe_digest(db, period="weekly", channel_id="C0MGR", at_time="08:00",
                     timezone="Europe/Berlin", actor="U0MGR1") -> SubscribeResult
    unsubscribe_digest(db, actor=..., subscription_id=3)           -> SubscriptionView
    unsubscribe_digest(db, actor=..., period="daily", channel_id="C0MGR")
    subscribe_digest(db, period="weekly", ..., report="scorecard")  # each processor's work
    list_digest_subscriptions(db, channel_id=None)                 -> tuple[SubscriptionView]

Subscribing the same channel to the same period again changes its time, zone and language. A new
subscription owes only the periods that fall due after it was made (no back-fill).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, func, select

from store import clock
from store.db import MAX_ROW_ID, Database
from store.enums import DigestRunStatus
from store.errors import DigestSubscriptionNotFound, ValidationFailed
from store.models import ChannelLink, Customer, DigestRun, DigestSubscription, Event
from store.periods import canonical_zone, check_kind, check_time

REPORTS = ("digest", "scorecard")
SUBSCRIBED = "digest_subscribed"
UNSUBSCRIBED = "digest_unsubscribed"


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    period: str
    channel_id: str
    at_time: str
    timezone: str
    active: bool
    created_by: str | None
    created_at: datetime
    last_posted_at: datetime | None = None
    report: str = "digest"  # or "scorecard"
    language: str | None = None  # what it is posted in; None: the workspace default


@dataclass(frozen=True)
class SubscribeResult:
    subscription: SubscriptionView
    created: bool
    replaced_id: int | None = None  # the subscription it took over from (another time zone)


def subscribe_digest(db: Database, *, period: str, channel_id: str, at_time: str,
                     timezone: str, actor: str, now: datetime | None = None,
                     report: str = "digest", language: str | None = None) -> SubscribeResult:
    """`language`: the language it is posted in (checked by the caller, which knows the
    catalogues); None, the workspace default."""
    period, at_time, report = check_kind(period), check_time(at_time), check_report(report)
    timezone = canonical_zone(timezone)
    now = now or clock.now()
    with db.write() as session:
        linked_to = session.scalar(select(Customer.code).join(
            ChannelLink, ChannelLink.customer_id == Customer.id).where(
            ChannelLink.channel_id == channel_id))
        if linked_to is not None:  # its people would read every customer's figures
            raise ValidationFailed({"channel": (
                f"<#{channel_id}> is linked to {linked_to}'s people (`/orders connect`), and "
                f"the {report} is for your own team only. Pick one of your own channels.")},
                mentions=(channel_id,))
        row = session.scalars(select(DigestSubscription).where(
            DigestSubscription.period == period, DigestSubscription.channel_id == channel_id,
            DigestSubscription.report == report,
            DigestSubscription.active.is_(True)).order_by(DigestSubscription.id)).first()
        created, replaced_id = row is None, None
        if row is not None and row.timezone != timezone:
            # Its days are another zone's days now: a new subscription from now on. Changed in
            # place, the periods owed were counted from its creation in the new zone (one the
            # old zone never owed was posted days late) and a day already posted in the old
            # zone was never posted in the new one (a run is keyed by its local day). The old
            # one keeps its runs.
            row.active, replaced_id, row = False, row.id, None
        if row is None:
            row = DigestSubscription(period=period, channel_id=channel_id, created_by=actor,
                                     created_at=now, active=True, report=report)
            session.add(row)
        row.at_time, row.timezone, row.language = at_time, timezone, language
        session.flush()
        verb = "subscribed" if created else "changed the subscription of"
        moved = f", replacing #{replaced_id}" if replaced_id else ""
        session.add(Event(actor_id=actor, kind=SUBSCRIBED, at=now, summary=(
            f"{verb} {channel_id} to the {period} {report} at {at_time} {timezone} "
            f"(#{row.id}{moved})")))
        return SubscribeResult(_view(row), created, replaced_id)


def unsubscribe_digest(db: Database, *, actor: str, subscription_id: int | None = None,
                       period: str | None = None, channel_id: str | None = None,
                       now: datetime | None = None, report: str = "digest") -> SubscriptionView:
    """Stop one subscription, named by id or by period and channel. Raises
    DigestSubscriptionNotFound. Its runs stay, so re-subscribing never re-posts a period
    under the old id."""
    where = [DigestSubscription.active.is_(True)]
    if subscription_id is not None:
        # An id past the largest a row can have names none (compared, it would overflow).
        where.append(DigestSubscription.id == int(subscription_id)
                     if int(subscription_id) <= MAX_ROW_ID else false())
        what = f"#{subscription_id}"
    else:
        period = check_kind(period or "")
        report = check_report(report)
        where += [DigestSubscription.period == period, DigestSubscription.channel_id == channel_id,
                  DigestSubscription.report == report]
        what = f"{period} {report} in <#{channel_id}>" if report != "digest" \
            else f"{period} in <#{channel_id}>"
    with db.write() as session:
        row = session.scalars(select(DigestSubscription).where(*where)
                              .order_by(DigestSubscription.id)).first()
        if row is None:
            raise DigestSubscriptionNotFound(
                what, channel_id=None if subscription_id is not None else channel_id)
        row.active = False
        session.add(Event(actor_id=actor, kind=UNSUBSCRIBED, at=now or clock.now(), summary=(
            f"unsubscribed {row.channel_id} from the {row.period} {row.report} (#{row.id})")))
        session.flush()
        return _view(row)


def check_report(report: str) -> str:
    value = str(report).strip().lower()
    if value not in REPORTS:
        raise ValidationFailed({"report": f"`{report}` is not a report. Use digest or scorecard."})
    return value


def list_digest_subscriptions(db: Database, *, channel_id: str | None = None
                              ) -> tuple[SubscriptionView, ...]:
    """Active subscriptions, oldest first, each with when its digest was last posted."""
    last = (select(DigestRun.subscription_id, func.max(DigestRun.posted_at).label("at"))
            .where(DigestRun.status == DigestRunStatus.POSTED)
            .group_by(DigestRun.subscription_id).subquery())
    query = (select(DigestSubscription, last.c.at)
             .outerjoin(last, last.c.subscription_id == DigestSubscription.id)
             .where(DigestSubscription.active.is_(True)).order_by(DigestSubscription.id))
    if channel_id:
        query = query.where(DigestSubscription.channel_id == channel_id)
    with db.read() as session:
        return tuple(_view(row, posted) for row, posted in session.execute(query))


def get_subscription(db: Database, *, subscription_id: int) -> SubscriptionView:
    with db.read() as session:
        row = session.get(DigestSubscription, int(subscription_id))
        if row is None:
            raise DigestSubscriptionNotFound(f"#{subscription_id}")
        return _view(row)


def _view(row: DigestSubscription, last_posted_at: datetime | None = None) -> SubscriptionView:
    return SubscriptionView(
        id=row.id, period=str(row.period.value if hasattr(row.period, "value") else row.period),
        channel_id=row.channel_id, at_time=row.at_time, timezone=row.timezone,
        active=bool(row.active), created_by=row.created_by, created_at=row.created_at,
        last_posted_at=last_posted_at, report=row.report or "digest", language=row.language)
