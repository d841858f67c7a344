"""The workspace's audit trail (`/orders audit`): the changes that are no one order's, newest
first - roles given and taken (and people Slack deactivated), channel routes, Slack Connect
channels linked to an account, order links turned on or off, digest subscriptions, customer
edits. Each order's own changes are in its history (`/order history <ref>`)."""

from __future__ import annotations

from sqlalchemy import func, select

from store.db import Database
from store.models import Event
from store.records import event_view
from store.views.orders import HistoryPage

AUDIT_PER_PAGE = 10
_NO_ORDER = Event.order_id.is_(None)  # served by ix_events_order_id_id, newest first


def workspace_history(db: Database, *, page: int = 1) -> HistoryPage:
    """One page of the workspace's changes; a page past the end shows the last page."""
    with db.read() as session:
        total = session.scalar(select(func.count()).select_from(Event).where(_NO_ORDER)) or 0
        pages = max(1, -(-total // AUDIT_PER_PAGE))
        page = min(max(1, int(page)), pages)
        events = session.scalars(select(Event).where(_NO_ORDER).order_by(Event.id.desc())
                                 .offset((page - 1) * AUDIT_PER_PAGE).limit(AUDIT_PER_PAGE))
        views = tuple(event_view(e) for e in events)
    return HistoryPage(ref="", events=views, page=page, pages=pages, total=total)
