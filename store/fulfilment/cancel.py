"""Canceling an order: refused once goods have left (a return is the way back), else the
order is canceled with its reason, its reserved stock goes back, approvals it still waited
for are rejected, its pick request says "do not pick", and the account's sales rep hears it
by DM (the customer's rep, else the order's)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.control_chars import too_long
from store.db import Database
from store.enums import ApprovalStatus, FulfilmentStatus, OrderStatus, PostKind
from store.errors import CannotCancel, ValidationFailed
from store.fulfilment.allocation import release_order
from store.fulfilment.approvals import settle
from store.fulfilment.pick import StepResult, finish_step, log, queue_post, refresh_pick
from store.models import Approval, Event, Order
from store.questions import notify_followers
from store.records import load_order, shipped_quantities
from store.states import SHIPPED_STATES, transition_problem
from store.triage import check_orders


@dataclass(frozen=True)
class CancelNotice:
    ref: str
    customer_name: str
    reason: str
    actor: str
    summary: str


@dataclass(frozen=True)
class CancelResult(StepResult):
    released: int = 0
    rep_id: str | None = None


def cancel_problem(session: Session, order: Order) -> str | None:
    """Why the order can't be canceled, as a sentence; None when it can."""
    shipped = sum(shipped_quantities(session, [line.id for line in order.lines]).values())
    if shipped and order.fulfilment_status not in SHIPPED_STATES:
        return (f"{shipped} unit(s) of {order.ref} have already shipped, so it can't be "
                "canceled. Start a return for what was shipped instead.")
    return transition_problem(order.status.value, order.fulfilment_status.value,
                              OrderStatus.CANCELED.value)


def check_cancel(db: Database, *, ref: str) -> str:
    """The order's ref if it can be canceled; raises CannotCancel (before asking for a reason)."""
    with db.read() as session:
        order = load_order(session, ref)
        problem = cancel_problem(session, order)
        if problem:
            raise CannotCancel(f"{order.ref}: {problem}")
        return order.ref


def cancel_order(db: Database, *, ref: str, actor: str, reason: str) -> CancelResult:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed({"reason": "Say why the order is canceled; the rep will read it."})
    if problem := too_long(reason, "reason", "The reason"):
        raise ValidationFailed({"reason": problem})
    with db.write() as session:
        order = load_order(session, ref, for_update=True)
        problem = cancel_problem(session, order)
        if problem:
            raise CannotCancel(f"{order.ref}: {problem}")
        before = order.status.value
        order.status, order.canceled_reason = OrderStatus.CANCELED, reason
        released = release_order(session, order)
        stage = order.fulfilment_status
        order.fulfilment_status = FulfilmentStatus.UNFULFILLED
        log(session, order, actor=actor, kind="canceled", summary=f"canceled it: {reason}",
            changes=[change for change in (
                {"field": "status", "before": before, "after": "canceled"},
                {"field": "fulfilment", "before": stage.value, "after": "unfulfilled"},
                {"field": "reserved", "before": released, "after": 0},
            ) if change["before"] != change["after"]])  # only what the cancel changed
        queued = _reject_waiting(session, order, actor)
        queued += refresh_pick(session, order)
        # Its own automatic items have nothing left to be about, and what its customer owes
        # moved: the other orders' credit items are brought up to date (or resolved).
        check_orders(session, [order.id], actor=actor, recheck=True,
                     lines_changed={order.id: set()})
        rep = order.customer.sales_rep_id  # the account owner, as store.triage.reps_of
        if rep:
            row = queue_post(session, kind=PostKind.CANCEL_NOTICE, ids={"order_id": order.id},
                             channel=rep, target=f"notice:{order.id}",
                             dedupe_key=f"cancel:{order.id}:rep")
            queued += [row] if row else []
        notify_followers(session, order_id=order.id, dedupe_key=f"canceled:{order.id}",
                         text=f"{order.ref} was canceled: {reason}",
                         status_text=f"{order.ref} was canceled.")
        base = finish_step(session, order, queued)
        return CancelResult(**vars(base), released=released, rep_id=rep)


def get_cancel_notice(db: Database, *, order_id: int) -> CancelNotice:
    """What the rep hears of a canceled order: its reason and who canceled it (the log's
    last cancel). Raises OrderNotFound."""
    with db.read() as session:
        order = load_order(session, "", order_id=order_id)
        actor = session.scalar(select(Event.actor_id).where(
            Event.order_id == order_id, Event.kind == "canceled")
            .order_by(Event.id.desc()).limit(1))
        reason = order.canceled_reason or ""
        return CancelNotice(order.ref, order.customer.name, reason, actor or "",
                            summary=f"{order.ref} ({order.customer.name}) was canceled: {reason}")


def _reject_waiting(session: Session, order: Order, actor: str) -> list[int]:
    queued = []
    for approval in session.scalars(select(Approval).where(
            Approval.order_id == order.id, Approval.status == ApprovalStatus.PENDING)):
        queued += settle(session, approval, order, actor=actor, approve=False,
                         reason=f"{order.ref} was canceled")
    return queued
