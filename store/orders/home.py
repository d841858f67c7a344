"""What a person's App Home shows, by role, read in one transaction.

processor  my assigned discrepancies (oldest first), unassigned ones by type, overdue SLAs,
           open orders on a hold I placed
sales      my accounts' flagged, late, awaiting-payment and backordered orders; orders I follow
manager    approvals waiting, escalations, today's numbers against yesterday's
admin      who has which role, the routes, the clock's health (outbox, digests), posts Slack
           refused for good (dead letters), the channels shared with a customer

Every order shown is cut by the visibility policy (store.workspace.sight): another rep's order
a rep follows shows its status only (no total) under ORDERDESK_REP_VISIBILITY=status.

A manager's Home also has the processor's lists (managers work the desk too), an admin's the
manager's. Each list is cut to `limit` items and carries its total.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from store import clock
from store.db import Database
from store.enums import (
    ApprovalStatus,
    DigestRunStatus,
    DiscrepancyStatus,
    DiscrepancyType,
    FulfilmentStatus,
    OrderStatus,
    OutboxStatus,
    PaymentStatus,
    Role,
)
from store.models import (
    Approval,
    Customer,
    DigestRun,
    DigestSubscription,
    Discrepancy,
    Follow,
    Order,
    OrderHold,
    OrderLine,
    OrderShipFacts,
    OutboxMessage,
    User,
)
from store.triage import discrepancy_view
from store.views.home import (
    AdminHome,
    ClockHealth,
    DigestHealth,
    Figure,
    HomeApproval,
    HomeConnection,
    HomeDeadLetter,
    HomeOrder,
    HomeView,
    Listed,
    ManagerHome,
    ProcessorHome,
    SalesHome,
)
from store.workspace import (
    FULL,
    NOTHING,
    Viewer,
    dead_letters,
    list_connections,
    list_routes,
    sight,
)

LIMIT = 5
_NOT_SHIPPED = (FulfilmentStatus.UNFULFILLED, FulfilmentStatus.ALLOCATED,
                FulfilmentStatus.PICKING, FulfilmentStatus.PACKED,
                FulfilmentStatus.PARTIALLY_SHIPPED)
_OPEN = Discrepancy.status != DiscrepancyStatus.RESOLVED


def home_for(db: Database, *, viewer: Viewer, admins: Collection[str],
             limit: int = LIMIT, now: datetime | None = None) -> HomeView:
    """`viewer`: whose Home, with their role and ORDERDESK_REP_VISIBILITY."""
    now = now or clock.now()
    role, user_id = Role(viewer.role), viewer.user_id
    with db.read() as session:
        processor = sales = manager = admin = None
        if role == Role.SALES:
            sales = _sales(session, viewer, now, limit)
        else:
            processor = _processor(session, viewer, now, limit)
        if role in (Role.MANAGER, Role.ADMIN):
            manager = _manager(session, now, limit)
        if role == Role.ADMIN:
            admin = _admin(session, admins, limit)
    if admin is not None:
        letters, dead = dead_letters(db, limit=limit)
        links = list_connections(db)
        admin = replace(
            admin, routes=tuple((r.key, r.channel_id) for r in list_routes(db)),
            dead=Listed(tuple(HomeDeadLetter(d.id, d.kind, d.channel, d.error, d.created_at)
                              for d in letters), dead),
            connections=Listed(tuple(HomeConnection(c.channel_id, c.customer_code,
                                                    c.customer_name) for c in links[:limit]),
                               len(links)))
    return HomeView(user_id=user_id, role=role.value, processor=processor, sales=sales,
                    manager=manager, admin=admin)


# -- processor -----------------------------------------------------------------------------

def _discrepancies(session: Session, where: list, now: datetime, limit: int) -> Listed:
    total = session.scalar(select(func.count()).select_from(Discrepancy).where(*where))
    rows = session.scalars(
        select(Discrepancy).where(*where)
        .options(joinedload(Discrepancy.order).joinedload(Order.customer))
        .order_by(Discrepancy.opened_at, Discrepancy.id).limit(limit))
    return Listed(tuple(discrepancy_view(d, now=now) for d in rows), int(total or 0))


def _processor(session: Session, viewer: Viewer, now: datetime, limit: int) -> ProcessorHome:
    user_id = viewer.user_id
    mine = _discrepancies(session, [_OPEN, Discrepancy.owner_id == user_id], now, limit)
    by_type = session.execute(
        select(Discrepancy.type, func.count()).where(_OPEN, Discrepancy.owner_id.is_(None))
        .group_by(Discrepancy.type)).all()
    order = {t: i for i, t in enumerate(DiscrepancyType)}
    unassigned = tuple((DiscrepancyType(t).value, int(n))
                       for t, n in sorted(by_type, key=lambda r: order[DiscrepancyType(r[0])]))
    overdue = _discrepancies(session, [_OPEN, Discrepancy.sla_due_at <= now], now, limit)
    held = (select(Order).join(OrderHold, OrderHold.order_id == Order.id)
            .where(OrderHold.placed_by == user_id, OrderHold.released_at.is_(None),
                   Order.status == OrderStatus.OPEN))
    holds = _orders(session, viewer, held, lambda o: _held(o, user_id), limit, Order.ordered_at)
    return ProcessorHome(mine, unassigned, overdue, holds)


def _held(order: Order, user_id: str) -> Why:
    reason = next((h.reason.value for h in order.holds
                   if h.placed_by == user_id and h.released_at is None), None)
    return (f"held: {reason.replace('_', ' ') if reason else 'hold'}", "held",
            (reason,) if reason else ())


# -- sales ---------------------------------------------------------------------------------

def _orders(session: Session, viewer: Viewer, query: Select, why, limit: int,
            order_by) -> Listed:
    """The first `limit` orders of `query`, each as the viewer may see it, and the total."""
    ids = query.with_only_columns(Order.id).distinct().subquery()
    total = session.scalar(select(func.count()).select_from(ids))
    rows = session.scalars(
        select(Order).where(Order.id.in_(select(ids.c.id)))
        .options(joinedload(Order.customer), selectinload(Order.lines))
        .order_by(order_by, Order.id).limit(limit))
    return Listed(tuple(filter(None, (_home_order(viewer, o, why) for o in rows))),
                  int(total or 0))


def _home_order(viewer: Viewer, order: Order, why) -> HomeOrder | None:
    seen = sight(viewer, owner_id=order.customer.sales_rep_id, customer_id=order.customer_id)
    if seen == NOTHING:
        return None
    if seen != FULL:  # the status axes only: no total, nothing from lines or holds' notes
        text, kind, parts = _status(order)
        return HomeOrder(order.ref, order.customer.name, text, seen, why_kind=kind,
                         why_parts=parts)
    total = sum(li.quantity * li.unit_price_minor for li in order.lines) + order.shipping_minor
    text, kind, parts = why(order)
    return HomeOrder(order.ref, order.customer.name, text, seen, total, order.currency,
                     why_kind=kind, why_parts=parts)


# Why an order is on a list: the English (HomeOrder.why), its kind and parts.
Why = tuple[str, str, tuple]


def _status(order: Order) -> Why:
    status, stage = order.status.value, order.fulfilment_status.value
    return f"{status} · {stage.replace('_', ' ')}", "status", (status, stage)


def _promised(order: Order) -> Why:
    day = order.promised_date
    return f"promised {day.day} {day:%b}", "promised", (day,)


def _payment(order: Order) -> Why:
    return f"payment {order.payment_status.value}", "payment", (order.payment_status.value,)


def _backordered(order: Order) -> Why:
    n = sum(1 for li in order.lines if li.quantity_backordered)
    return f"{n} line(s) backordered", "backordered", (n,)


def _sales(session: Session, viewer: Viewer, now: datetime, limit: int) -> SalesHome:
    user_id = viewer.user_id
    today = clock.date_of(now)
    mine = (select(Order).join(Customer, Customer.id == Order.customer_id)
            .where(Customer.sales_rep_id == user_id, Order.status == OrderStatus.OPEN))
    open_problem = exists().where(Discrepancy.order_id == Order.id, _OPEN,
                                  Discrepancy.type != DiscrepancyType.LATE)
    flagged = _orders(session, viewer, mine.where(open_problem),
                      lambda o: ("open problem", "", ()), limit, Order.ordered_at)
    late = _orders(
        session, viewer, mine.where(Order.promised_date < today,
                            Order.fulfilment_status.in_(_NOT_SHIPPED)),
        _promised, limit, Order.promised_date)
    awaiting = _orders(
        session, viewer, mine.where(Order.payment_status.in_((PaymentStatus.AWAITING,
                                                      PaymentStatus.FAILED))),
        _payment, limit, Order.ordered_at)
    backordered = _orders(
        session, viewer, mine.where(exists().where(OrderLine.order_id == Order.id,
                                           OrderLine.quantity_backordered > 0)),
        _backordered, limit, Order.ordered_at)
    followed = _orders(
        session, viewer, select(Order).join(Follow, Follow.order_id == Order.id)
        .where(Follow.user_id == user_id), _status, limit, Order.ordered_at)
    return SalesHome(flagged, late, awaiting, backordered, followed)


# -- manager -------------------------------------------------------------------------------

def _manager(session: Session, now: datetime, limit: int) -> ManagerHome:
    pending = Approval.status == ApprovalStatus.PENDING
    total = session.scalar(select(func.count()).select_from(Approval).where(pending))
    rows = session.scalars(select(Approval).where(pending)
                           .order_by(Approval.requested_at, Approval.id).limit(limit))
    approvals = Listed(tuple(
        HomeApproval(a.id, a.kind.value, _ref(session, a.order_id), a.amount_minor,
                     _currency(session, a.order_id), a.requested_by, a.requested_at)
        for a in rows), int(total or 0))
    escalations = _discrepancies(
        session, [Discrepancy.status == DiscrepancyStatus.ESCALATED], now, limit)
    return ManagerHome(approvals, escalations, _today(session, now))


def _ref(session: Session, order_id: int) -> str:
    return session.scalar(select(Order.ref).where(Order.id == order_id)) or "?"


def _currency(session: Session, order_id: int) -> str:
    return session.scalar(select(Order.currency).where(Order.id == order_id)) or ""


def _today(session: Session, now: datetime) -> tuple[Figure, ...]:
    """Today so far (local day) against the whole of yesterday."""
    zone = clock.current().zone
    day = clock.date_of(now)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    before = datetime.combine(day - timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    spans = ((start, now), (before, start))

    def count(query, column) -> tuple[int, int]:
        return tuple(int(session.scalar(query.where(column >= a, column < b)) or 0)
                     for a, b in spans)

    received = count(select(func.count()).select_from(Order)
                     .where(Order.status != OrderStatus.DRAFT), Order.ordered_at)
    # As the digest counts them: orders whose first shipment left in the span (counting every
    # shipment's order made a part-shipped order count again on the day its rest left).
    shipped = count(select(func.count()).select_from(OrderShipFacts),
                    OrderShipFacts.first_shipped_at)
    opened = count(select(func.count()).select_from(Discrepancy), Discrepancy.opened_at)
    resolved = count(select(func.count()).select_from(Discrepancy), Discrepancy.resolved_at)
    return tuple(Figure(name, *pair) for name, pair in (
        ("orders received", received), ("orders shipped", shipped),
        ("problems opened", opened), ("problems resolved", resolved)))


# -- admin ---------------------------------------------------------------------------------

def _admin(session: Session, admins: Collection[str], limit: int) -> AdminHome:
    assigned = session.execute(select(User.slack_user_id, User.role)
                               .order_by(User.role, User.slack_user_id)).all()
    roles = [(uid, Role.ADMIN.value, True) for uid in sorted(admins)]
    roles += [(uid, Role(r).value, False) for uid, r in assigned if uid not in admins]
    pending = OutboxMessage.status == OutboxStatus.PENDING
    last_posted = (select(DigestRun.subscription_id, func.max(DigestRun.posted_at).label("at"))
                   .group_by(DigestRun.subscription_id).subquery())
    digests = session.execute(
        select(DigestSubscription, last_posted.c.at)
        .outerjoin(last_posted, last_posted.c.subscription_id == DigestSubscription.id)
        .where(DigestSubscription.active).order_by(DigestSubscription.id)).all()
    failing = {}  # subscription -> its latest failed try (a period waiting for its retry)
    for sub_id, at, error in session.execute(
            select(DigestRun.subscription_id, DigestRun.claimed_at, DigestRun.error)
            .join(DigestSubscription, DigestSubscription.id == DigestRun.subscription_id)
            .where(DigestSubscription.active, DigestRun.status == DigestRunStatus.FAILED)
            .order_by(DigestRun.claimed_at)):
        failing[sub_id] = (at, error)
    health = ClockHealth(
        outbox_pending=int(session.scalar(select(func.count()).select_from(OutboxMessage)
                                          .where(pending)) or 0),
        oldest_pending_at=session.scalar(select(func.min(OutboxMessage.created_at))
                                         .where(pending)),
        outbox_dead=int(session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.DEAD)) or 0),
        last_sent_at=session.scalar(select(func.max(OutboxMessage.sent_at))),
        digests=tuple(DigestHealth(s.id, s.period.value, s.channel_id, at,
                                   *failing.get(s.id, (None, None))) for s, at in digests))
    return AdminHome(Listed(tuple(roles[:limit * 2]), len(roles)), (), health)
