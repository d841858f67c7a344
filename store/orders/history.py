"""An order's history: its events, newest first, a page at a time."""

from __future__ import annotations

from sqlalchemy import func, select

from store.db import Database
from store.models import Event, Order
from store.records import event_view, pick_named, ref_keys_of
from store.views.orders import HistoryPage

MAX_PER_PAGE = 50


def order_history(db: Database, *, ref: str, page: int = 1, per_page: int = 10) -> HistoryPage:
    """Events of one order, newest first. A page past the end shows the last page."""
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    with db.read() as session:
        named = session.execute(select(Order.id, Order.ref).where(
            Order.ref_key.in_(ref_keys_of(session, ref) or [""]))).all()
        order_id = pick_named(ref, [tuple(row) for row in named])
        order_ref = next(r for oid, r in named if oid == order_id)
        total = session.scalar(
            select(func.count()).select_from(Event).where(Event.order_id == order_id)
        ) or 0
        pages = max(1, -(-total // per_page))
        page = min(max(1, int(page)), pages)
        events = session.scalars(
            select(Event).where(Event.order_id == order_id)
            .order_by(Event.id.desc()).offset((page - 1) * per_page).limit(per_page)
        )
        views = tuple(event_view(e) for e in events)
    return HistoryPage(ref=order_ref, events=views, page=page, pages=pages, total=total)
