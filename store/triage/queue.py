"""`/orders queue [mine|unassigned|<type>]`: open discrepancies, oldest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from store import clock
from store.db import Database
from store.enums import DiscrepancyStatus, DiscrepancyType
from store.errors import Outsider, ValidationFailed
from store.models import Discrepancy, Order
from store.triage.loading import DiscrepancyView, discrepancy_view
from store.workspace import FULL, Viewer, channel_for, route_map, sight

FILTERS = ("mine", "unassigned", *(t.value for t in DiscrepancyType))
PAGE = 15


@dataclass(frozen=True)
class QueuePage:
    filter: str
    items: tuple[DiscrepancyView, ...]
    total: int
    offset: int


def batch_filter(counter: str) -> str:
    """The queue filter for the items a batch summary counted ("tb:<channel>:<hour>[:n]")."""
    _, channel, bucket, *_ = counter.split(":")
    return f"batch:{channel}:{bucket}"


def _batch_where(session, value: str) -> list:
    """Items of one channel's batch: opened in that hour, routed there, with no parent."""
    try:
        _, channel, bucket = value.split(":")
        start = datetime.strptime(bucket, "%y%m%d%H").replace(tzinfo=UTC)
    except ValueError:
        raise ValidationFailed({"filter": "That batch is not known; try `/orders queue`."}) \
            from None
    routes = route_map(session)
    types = [t for t in DiscrepancyType if channel_for(routes, t.value) == channel]
    return [Discrepancy.channel_id.is_(None), Discrepancy.type.in_(types),
            Discrepancy.opened_at >= start, Discrepancy.opened_at < start + timedelta(hours=1)]


def parse_filter(text: str) -> str:
    raw = (text or "").strip()
    if raw.lower().startswith("batch:"):
        return "batch:" + raw[len("batch:"):]
    value = raw.lower().replace("-", "_")
    if value and value not in FILTERS:
        raise ValidationFailed({"filter": (
            f"`{text}` is not a queue filter. Use `mine`, `unassigned` or a type: "
            f"{', '.join(t.value for t in DiscrepancyType)}.")})
    return value


def list_queue(db: Database, *, user_id: str, filter: str = "", offset: int = 0,
               limit: int = PAGE, now: datetime | None = None,
               viewer: Viewer | None = None) -> QueuePage:
    """`viewer`: items of accounts they may see only in status read by their kind alone
    (store.workspace.visibility); None: the desk's view. The queue is the desk's own problems:
    an outsider gets none of it, even in the channel linked to their account."""
    if viewer is not None and viewer.is_outsider:
        raise Outsider(linked=viewer.account_id is not None)
    flt = parse_filter(filter)
    where = [Discrepancy.status != DiscrepancyStatus.RESOLVED]
    if flt == "mine":
        where.append(Discrepancy.owner_id == user_id)
    elif flt == "unassigned":
        where.append(Discrepancy.owner_id.is_(None))
    elif flt and not flt.startswith("batch:"):
        where.append(Discrepancy.type == DiscrepancyType(flt))
    offset = max(0, int(offset))
    with db.read() as session:
        if flt.startswith("batch:"):
            where += _batch_where(session, flt)
        total = session.scalar(select(func.count()).select_from(Discrepancy).where(*where))
        rows = session.scalars(
            select(Discrepancy).where(*where)
            .options(joinedload(Discrepancy.order).joinedload(Order.customer))
            .order_by(Discrepancy.opened_at, Discrepancy.id).offset(offset).limit(limit))
        items = tuple(_seen(viewer, d, discrepancy_view(d, now=now or clock.now()))
                      for d in rows)
    return QueuePage(flt, items, int(total or 0), offset)


def _seen(viewer: Viewer | None, d: Discrepancy, view: DiscrepancyView) -> DiscrepancyView:
    if viewer is None or sight(viewer, owner_id=d.order.customer.sales_rep_id,
                               customer_id=d.order.customer_id) == FULL:
        return view
    # The words too: a reader in another language gets the title and figures rebuilt from them.
    return replace(view, title=d.type.value.replace("_", " ").capitalize(), expected=None,
                   found=None, fix_label=None, resolution_note=None, words=None,
                   detail_shown=False)
