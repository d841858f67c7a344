"""The processor scorecard: each person's work in a period against the period before.

    view = build_scorecard(db, period=p, timezone="UTC", now=now)              # the team
    view = build_scorecard(db, period=p, timezone="UTC", now=now, user_id="U0PROC1")  # one

Per person (a Slack user id; the machine actors "system", "import", "intake" are not people):
orders entered (orders they created in the modal or imported: "imported" events), edits
("edited" events), discrepancies resolved and the nearest-rank median time to resolve them,
how many of those were re-flagged (the same order got a new discrepancy of the same type
opened after the resolution: the error rate), and approvals requested. The team is everyone
with the processor role plus anyone who did any of it in either period.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from store import clock
from store.db import Database
from store.enums import Role
from store.metrics.digest import tune_for_reports
from store.metrics.sql import hours_between
from store.models import Approval, Discrepancy, Event, User
from store.periods import Period, zone
from store.views.metrics import ProcessorFigures, ScorecardRow, ScorecardView

ENTERED, EDITED = "imported", "edited"
# Slack user ids start with U (or W on Enterprise Grid); everything else is a machine actor.
PERSON = ("U%", "W%")


def build_scorecard(db: Database, *, period: Period, timezone: str,
                    now: datetime | None = None, user_id: str | None = None) -> ScorecardView:
    zone(timezone)
    now = now or clock.now()
    bounds = period.utc_bounds(timezone), period.previous().utc_bounds(timezone)
    with db.read() as session:
        tune_for_reports(session, db.dialect)
        current, previous = (_figures(session, db.dialect, b, user_id) for b in bounds)
        people = set(current) | set(previous)
        if user_id is not None:
            people = {user_id}
        else:
            people |= set(session.scalars(select(User.slack_user_id)
                                          .where(User.role == Role.PROCESSOR)))
        names = dict(session.execute(select(User.slack_user_id, User.display_name)
                                     .where(User.slack_user_id.in_(people))).all())
    rows = [ScorecardRow(_person(uid, names, current), _person(uid, names, previous))
            for uid in people]
    rows.sort(key=lambda r: (-r.current.resolved, -r.current.orders_entered, r.current.user_id))
    return ScorecardView(period=period, timezone=timezone, rows=tuple(rows), built_at=now)


def _person(uid: str, names: dict, found: dict) -> ProcessorFigures:
    return ProcessorFigures(user_id=uid, name=names.get(uid), **found.get(uid, {}))


def _figures(session: Session, dialect: str, bounds: tuple[datetime, datetime],
             user_id: str | None) -> dict[str, dict]:
    start, end = bounds
    found: dict[str, dict] = defaultdict(dict)

    def only(column):
        return column == user_id if user_id is not None else or_(
            *(column.like(prefix) for prefix in PERSON))

    for kind, name in ((ENTERED, "orders_entered"), (EDITED, "edits")):
        for actor, count in session.execute(
                select(Event.actor_id, func.count()).where(
                    Event.kind == kind, Event.at >= start, Event.at < end, only(Event.actor_id))
                .group_by(Event.actor_id)):
            found[actor][name] = count
    for actor, count in session.execute(
            select(Approval.requested_by, func.count()).where(
                Approval.requested_at >= start, Approval.requested_at < end,
                only(Approval.requested_by)).group_by(Approval.requested_by)):
        found[actor]["approvals_requested"] = count
    d, again = Discrepancy, aliased(Discrepancy, name="again")
    reflagged = exists().where(again.order_id == d.order_id, again.type == d.type,
                               again.opened_at > d.resolved_at)
    took: dict[str, list[float]] = defaultdict(list)
    for actor, hours, later in session.execute(
            select(d.resolved_by, hours_between(dialect, d.resolved_at, d.opened_at), reflagged)
            .where(d.resolved_at >= start, d.resolved_at < end, only(d.resolved_by))):
        took[actor].append(float(hours))
        found[actor]["reflagged"] = found[actor].get("reflagged", 0) + bool(later)
    for actor, hours in took.items():
        found[actor]["resolved"] = len(hours)
        found[actor]["resolve_median_hours"] = round(
            sorted(hours)[math.ceil(len(hours) / 2) - 1], 4)
    return found


__all__ = ["build_scorecard"]

