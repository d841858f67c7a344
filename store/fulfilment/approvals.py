"""Manager approvals for risky money changes: big refunds, deep discounts, big price overrides.

A request is an Approval row plus a post in the "manager" route with Approve and Reject
(queued in the outbox with the change that needed it). Managers and admins decide (the role
check is the handler's); nobody decides their own request; a rejection needs a reason. The
requester hears the outcome by DM, and the manager post is updated in place.

What needs approval, and from what amount, is in store.fulfilment.rules (RULES):
- refund: a return refunding more than `refund_approval_minor` (lines + shipping);
- discount: an edited unit price more than `discount_approval_pct` under the expected price
  (the customer's price, else the catalog's);
- price_override: any other edited unit price moving the line's value by more than
  `price_override_approval_minor` (a price set back to the expected one needs none);
- late_return: a return more than `return_window_days` after its goods were delivered.
Until approved, a refund is not counted on the payment axis, and an edited price is not
applied (the editor's saved message says it waits for approval #n).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from store import clock
from store.control_chars import too_long
from store.db import Database
from store.enums import ApprovalKind, ApprovalStatus, OrderStatus, PostKind, ReturnStatus
from store.errors import ApprovalNotFound, ApprovalRefused, ValidationFailed
from store.fulfilment.pick import (
    StepResult,
    finish_step,
    goods_out,
    log,
    queue_post,
    refresh_post,
)
from store.fulfilment.return_facts import update_fulfilment, update_payment
from store.fulfilment.rules import RULES, FulfilmentRules
from store.models import Approval, CustomerPrice, Order, OrderLine, Return
from store.money import format_money
from store.questions import notify_followers
from store.records import load_order
from store.triage import check_orders, recheck_credit
from store.workspace import route_map

MANAGER_ROUTE = "manager"
# Approvals that decide a return: a big refund, or a return outside the window.
RETURN_KINDS = (ApprovalKind.REFUND, ApprovalKind.LATE_RETURN)
ROUTE_HINT = "`/orders route manager #channel`"


@dataclass(frozen=True)
class ApprovalView:
    id: int
    kind: str
    status: str
    ref: str
    rma: str | None
    currency: str
    amount_minor: int
    detail: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    summary: str

    @property
    def pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING.value


@dataclass(frozen=True)
class DecisionResult(StepResult):
    approval: ApprovalView | None = None


def approval_view(session: Session, a: Approval) -> ApprovalView:
    order = session.get(Order, a.order_id)
    rma = session.scalar(select(Return.rma).where(Return.id == a.return_id)) \
        if a.return_id else None
    amount = format_money(a.amount_minor, order.currency)
    return ApprovalView(
        id=a.id, kind=a.kind.value, status=a.status.value, ref=order.ref, rma=rma,
        currency=order.currency, amount_minor=a.amount_minor,
        detail=str((a.payload or {}).get("detail", "")), requested_by=a.requested_by,
        requested_at=a.requested_at, decided_by=a.decided_by, decided_at=a.decided_at,
        decision_reason=a.decision_reason,
        summary=f"Approval #{a.id} ({a.kind.value.replace('_', ' ')}, {amount}) on {order.ref}: "
                f"{a.status.value}")


def post_key(approval_id: int) -> str:
    return f"approval:{approval_id}:post"


def request_approval(session: Session, *, order: Order, kind: ApprovalKind, amount_minor: int,
                     detail: str, requested_by: str, payload: dict | None = None,
                     return_id: int | None = None) -> tuple[Approval, list[int], str | None]:
    """Inside the caller's transaction: the Approval row and its manager post. Returns
    (approval, rows to send, a note for the requester when no manager channel is routed)."""
    # A Core INSERT, not session.add + flush: the order editor calls in with no_autoflush
    # and flushes the order once at the end (one edit, one version step).
    approval_id = session.execute(insert(Approval).values(
        kind=kind, status=ApprovalStatus.PENDING, order_id=order.id, return_id=return_id,
        amount_minor=amount_minor, requested_by=requested_by, requested_at=clock.now(),
        payload={**(payload or {}), "detail": detail}).returning(Approval.id)).scalar_one()
    approval = session.get(Approval, approval_id)
    queued = _post_request(session, approval)
    note = None if queued or approval.channel_id else (
        f"Approval #{approval.id} waits for a manager, but no manager channel is routed; "
        f"an admin can set one with {ROUTE_HINT} and it will be posted there.")
    return approval, queued, note


def _post_request(session: Session, approval: Approval) -> list[int]:
    channel = route_map(session).get(MANAGER_ROUTE)
    if not channel:
        return []
    approval.channel_id = channel
    row = queue_post(session, kind=PostKind.APPROVAL_REQUEST, ids={"approval_id": approval.id},
                     channel=channel, target=f"approval:{approval.id}",
                     dedupe_key=post_key(approval.id))
    return [row] if row else []


def post_unrouted(db: Database) -> list[int]:
    """The clock's sweep: pending requests made while no manager channel was routed."""
    with db.write() as session:
        if not route_map(session).get(MANAGER_ROUTE):
            return []
        waiting = session.scalars(select(Approval).where(
            Approval.status == ApprovalStatus.PENDING, Approval.channel_id.is_(None))
            .order_by(Approval.id).limit(50))
        return [row for a in waiting for row in _post_request(session, a)]


def gate_price_change(session: Session, order: Order, line: OrderLine, new_price: int, *,
                      actor: str, rules: FulfilmentRules = RULES) -> str | None:
    """Called by the order editor before it changes a unit price. None: go ahead. Else the
    price stays and the returned note says which approval it waits for."""
    kind, amount = _price_kind(session, order, line, new_price, rules)
    if kind is None:
        return None
    old, new = (format_money(p, order.currency) for p in (line.unit_price_minor, new_price))
    for a in session.scalars(select(Approval).where(
            Approval.order_id == order.id, Approval.status == ApprovalStatus.PENDING,
            Approval.kind.in_((ApprovalKind.DISCOUNT, ApprovalKind.PRICE_OVERRIDE)))):
        if (a.payload or {}).get("line_no") == line.line_no and a.payload.get("to") == new_price \
                and a.payload.get("sku", line.sku) == line.sku:
            return f"waiting for approval #{a.id}"  # the same change asked again
    detail = f"Line {line.line_no} ({line.sku} × {line.quantity}) unit price {old} → {new}"
    approval, _queued, note = request_approval(
        session, order=order, kind=kind, amount_minor=amount, detail=detail,
        requested_by=actor, payload={"line_no": line.line_no, "sku": line.sku,
                                     "from": line.unit_price_minor, "to": new_price})
    return f"waiting for approval #{approval.id}" + (f" ({note})" if note else "")


def _price_kind(session, order, line, new_price, rules) -> tuple[ApprovalKind | None, int]:
    expected = _expected_price(session, order, line)
    if expected is not None and new_price == expected:
        return None, 0  # back to the agreed price (a wrong price corrected): nothing to approve
    if expected and new_price < expected and \
            (expected - new_price) * 100 > rules.discount_approval_pct * expected:
        return ApprovalKind.DISCOUNT, (expected - new_price) * line.quantity
    moved = abs(new_price - line.unit_price_minor) * line.quantity
    if moved > rules.price_override_approval_minor:
        return ApprovalKind.PRICE_OVERRIDE, moved
    return None, 0


def _expected_price(session: Session, order: Order, line: OrderLine) -> int | None:
    if line.product_id is None:
        return None
    negotiated = session.scalar(select(CustomerPrice.unit_price_minor).where(
        CustomerPrice.customer_id == order.customer_id,
        CustomerPrice.product_id == line.product_id))
    if negotiated is not None:
        return negotiated
    product = line.product
    return product.unit_price_minor if product and product.currency == order.currency else None


def get_approval(db: Database, *, approval_id: int, actor: str | None = None) -> ApprovalView:
    """The approval; with `actor`, raises ApprovalRefused unless that person may decide it."""
    with db.read() as session:
        approval = _load(session, approval_id)
        if actor is not None:
            _check_decider(approval, actor)
        return approval_view(session, approval)


def get_approval_post(db: Database, *,
                      approval_id: int) -> tuple[ApprovalView, tuple[str, str] | None]:
    """The approval as it is now, and where its manager post landed (None while unsent;
    stored on the approval when sent, store.outbox.mark_sent). Raises ApprovalNotFound."""
    with db.read() as session:
        approval = _load(session, approval_id)
        posted = (approval.channel_id, approval.message_ts) if approval.message_ts else None
        return approval_view(session, approval), posted


def _load(session: Session, approval_id) -> Approval:
    try:
        key = int(approval_id)
    except (TypeError, ValueError):
        raise ApprovalNotFound(approval_id) from None
    approval = session.get(Approval, key)
    if approval is None:
        raise ApprovalNotFound(approval_id)
    return approval


def _check_decider(approval: Approval, actor: str) -> None:
    if approval.status != ApprovalStatus.PENDING:
        who = f" by <@{approval.decided_by}>" if approval.decided_by else ""
        raise ApprovalRefused(f"Approval #{approval.id} was already {approval.status.value}{who}.",
                              mentions=(approval.decided_by,) if approval.decided_by else ())
    if approval.requested_by == actor:
        raise ApprovalRefused(f"You asked for approval #{approval.id} yourself, so another "
                              "manager has to decide it.")


def decide(db: Database, *, approval_id: int, actor: str, approve: bool,
           reason: str | None = None) -> DecisionResult:
    """Approve or reject (with a reason). Raises ApprovalRefused, ApprovalNotFound,
    ValidationFailed (no reason for a rejection)."""
    reason = " ".join((reason or "").split()) or None
    if not approve and not reason:
        raise ValidationFailed({"reason": "Say why it is rejected; the requester will read it."})
    if problem := too_long(reason, "reason", "The reason"):
        raise ValidationFailed({"reason": problem})
    with db.write() as session:
        approval = _load(session, approval_id)
        # The order's lock first, then the approval's: the order the editor and cancel use.
        order = load_order(session, session.get(Order, approval.order_id).ref, for_update=True)
        session.refresh(approval, with_for_update=True)
        _check_decider(approval, actor)
        queued = settle(session, approval, order, actor=actor, approve=approve, reason=reason)
        base = finish_step(session, order, queued)
        return DecisionResult(**vars(base), approval=approval_view(session, approval))


def settle(session: Session, approval: Approval, order: Order, *, actor: str, approve: bool,
           reason: str | None) -> list[int]:
    """Apply (or drop) what the approval held, log it, update the manager post, DM the
    requester. Also used by store.fulfilment.cancel to reject what a canceled order still
    waited for."""
    # Decided before it is applied: the checks that re-run on the new price read the approved
    # price as the agreed one (store.triage.facts).
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    approval.decided_by, approval.decided_at, approval.decision_reason = actor, clock.now(), reason
    changes = _apply(session, approval, order, actor) if approve else []
    if not approve and approval.kind in RETURN_KINDS and approval.return_id:
        session.get(Return, approval.return_id).status = ReturnStatus.REJECTED
    changes += update_fulfilment(session, order) + update_payment(session, order)
    if approval.kind in RETURN_KINDS:  # a credit approved lowers what the customer owes
        recheck_credit(session, [order.customer_id], actor=actor)
    verb = "approved" if approve else "rejected"
    log(session, order, actor=actor, kind=f"approval.{verb}",
        summary=f"{verb} #{approval.id}: {approval.payload.get('detail', '')}"
                f"{f' — {reason}' if reason else ''}", changes=changes)
    ids = {"approval_id": approval.id}
    rows = goods_out(session, order, []) if approval.kind in RETURN_KINDS else []
    queued = [*rows, refresh_post(session, dedupe_key=post_key(approval.id), ids=ids,
                           kind=PostKind.APPROVAL_REQUEST, target=f"approval:{approval.id}"),
              queue_post(session, kind=PostKind.APPROVAL_OUTCOME, ids=ids,
                         channel=approval.requested_by, target=f"notice:{order.id}",
                         dedupe_key=f"approval:{approval.id}:dm")]
    return [row for row in queued if row]


def _apply(session: Session, approval: Approval, order: Order, actor: str) -> list[dict]:
    if approval.kind in RETURN_KINDS:
        ret = session.get(Return, approval.return_id)
        if ret.status == ReturnStatus.AWAITING_APPROVAL:
            ret.status = ReturnStatus.APPROVED
        return [{"field": f"return {ret.rma}", "before": "awaiting approval",
                 "after": ret.status.value}]
    payload = approval.payload or {}
    line = next((x for x in order.lines if x.line_no == payload.get("line_no")), None)
    if order.status in (OrderStatus.CANCELED, OrderStatus.COMPLETED):
        raise ApprovalRefused(f"{order.ref} is {order.status.value}; reject #{approval.id}.")
    if line is None or line.unit_price_minor != payload.get("from") or \
            payload.get("sku", line.sku) != line.sku:
        raise ApprovalRefused(
            f"Line {payload.get('line_no')} of {order.ref} changed since #{approval.id} was "
            "asked for, so it can't be applied; reject it and ask again if still needed.")
    before = format_money(line.unit_price_minor, order.currency)
    line.unit_price_minor = int(payload["to"])
    session.flush()
    check_orders(session, [order.id], actor=actor, recheck=True)
    after = format_money(line.unit_price_minor, order.currency)
    notify_followers(session, order_id=order.id, dedupe_key=f"approval:{approval.id}:followers",
                     text=f"{order.ref}: line {line.line_no} unit price {before} → {after} "
                          f"(approved, #{approval.id}).",
                     status_text=f"{order.ref}: a price change was approved.", internal=True)
    return [{"field": f"line {line.line_no} unit price", "before": before,
             "after": format_money(line.unit_price_minor, order.currency)}]

