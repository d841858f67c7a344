"""Returns (RMAs): the return form's facts and recording a return, with its refund.

    form = return_form(db, ref="SO-1042")
    result = create_return(db, ref="SO-1042", actor="U0PROC1", lines=[ReturnLineRequest(...)])

Per shipped line: how many, why, and the outcome: refund, replace (the same product goes
out again), exchange (another SKU goes out; an even swap) or claim (missing or wrong item:
refunded, nothing comes back). Never more than shipped and not yet returned; an exchange SKU
must exist, be active and in stock; so must a replacement. The refund follows the policy in
store.fulfilment.rules (store.fulfilment.refunds computes it). Above the refund threshold the
return waits for a manager (store.fulfilment.approvals), and so does a return more than
`return_window_days` after its goods were delivered (a late return); else it is approved at once. Replacement and
exchange goods then ship through the ship form. Fulfilment and payment axes follow.
Returned goods are not put back on hand here: the warehouse inspects them and adjusts stock.
Errors are keyed by the return modal's block ids: ret.<line no>.quantity|outcome|reason|sku.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store import clock
from store.control_chars import too_long
from store.db import Database
from store.enums import ApprovalKind, ReturnOutcome, ReturnStatus
from store.errors import NothingToReturn, ValidationFailed
from store.fulfilment.allocation import free_in_one_warehouse
from store.fulfilment.approvals import request_approval
from store.fulfilment.pick import StepResult, finish_step, goods_out, log
from store.fulfilment.refunds import ShippingFacts, line_refund, shipping_refund
from store.fulfilment.return_facts import (
    MONEY_BACK,
    refund_totals,
    returned_quantities,
    update_fulfilment,
    update_payment,
)
from store.fulfilment.rules import RULES, FulfilmentRules
from store.models import Order, Product, Return, ReturnLine, Shipment, ShipmentLine
from store.money import format_money
from store.questions import notify_followers
from store.records import load_order, shipped_quantities
from store.refs import next_rma
from store.triage import recheck_credit

OUTCOMES = (("refund", "Refund"), ("replace", "Replacement"),
            ("exchange", "Exchange for another SKU"), ("claim", "Claim: missing or wrong item"))


@dataclass(frozen=True)
class ReturnFormLine:
    line_no: int
    sku: str
    name: str
    unit_price_minor: int
    shipped: int
    returned: int
    returnable: int


@dataclass(frozen=True)
class ReturnForm:
    ref: str
    customer_name: str
    currency: str
    lines: tuple[ReturnFormLine, ...]
    hidden_lines: int
    reasons: tuple[tuple[str, str], ...]
    outcomes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReturnLineRequest:
    line_no: int
    quantity: int | str
    outcome: str | None = None
    reason: str | None = None
    exchange_sku: str | None = None


@dataclass(frozen=True)
class ReturnLineView:
    line_no: int
    sku: str
    quantity: int
    outcome: str
    reason: str
    exchange_sku: str | None
    refund_minor: int


@dataclass(frozen=True)
class ReturnView:
    rma: str
    status: str
    currency: str
    lines: tuple[ReturnLineView, ...]
    refund_minor: int
    shipping_refund_minor: int
    total_refund_minor: int
    approval_id: int | None


@dataclass(frozen=True)
class ReturnResult(StepResult):
    ret: ReturnView | None = None


def return_form(db: Database, *, ref: str, rules: FulfilmentRules = RULES) -> ReturnForm:
    """Shipped lines that can still come back. Raises NothingToReturn."""
    with db.read() as session:
        order = load_order(session, ref)
        lines = _returnable(session, order)
        if not lines:
            raise NothingToReturn(
                f"Everything shipped on {order.ref} is already on a return." if order.shipments
                else f"Nothing on {order.ref} has shipped yet, so nothing can come back. "
                     "To stop the order instead, use `/order cancel`.")
        shown = lines[:rules.max_return_lines]
        return ReturnForm(ref=order.ref, customer_name=order.customer.name,
                          currency=order.currency, lines=tuple(shown),
                          hidden_lines=len(lines) - len(shown),
                          reasons=tuple(rules.reasons.items()), outcomes=OUTCOMES)


def _returnable(session: Session, order: Order) -> list[ReturnFormLine]:
    ids = [line.id for line in order.lines]
    shipped, returned = shipped_quantities(session, ids), returned_quantities(session, ids)
    out = []
    for line in order.lines:
        s, r = shipped.get(line.id, 0), returned.get(line.id, 0)
        if s - r > 0:
            name = line.product.name if line.product else (line.description or "unknown SKU")
            out.append(ReturnFormLine(line.line_no, line.sku, name, line.unit_price_minor,
                                      s, r, s - r))
    return out


def create_return(db: Database, *, ref: str, actor: str, lines, note: str | None = None,
                  rules: FulfilmentRules = RULES) -> ReturnResult:
    with db.write() as session:
        order = load_order(session, ref, for_update=True)
        errors: dict[str, str] = {}
        rows = _return_lines(session, order, lines, errors)
        if problem := too_long((note or "").strip(), "return_note", "The note"):
            errors["note"] = problem
        if errors:
            raise ValidationFailed(errors)
        ret = _record(session, order, rows, actor=actor, note=note, rules=rules)
        queued, notes = [], []
        total = ret.refund_minor + ret.shipping_refund_minor
        approval_id = None
        late = _days_since_delivery(session, [line for line, _row in rows])
        outside = late is not None and late > rules.return_window_days
        if outside or total > rules.refund_approval_minor:
            ret.status = ReturnStatus.AWAITING_APPROVAL
            why = (f" — {late} days after delivery (the return window is "
                   f"{rules.return_window_days} days)" if outside else "")
            approval, queued, hint = request_approval(
                session, order=order,
                kind=ApprovalKind.LATE_RETURN if outside else ApprovalKind.REFUND,
                amount_minor=total, requested_by=actor, return_id=ret.id,
                detail=f"{ret.rma}: refund {format_money(total, order.currency)} "
                       f"({_what(rows)}){why}")
            approval_id = approval.id
            notes.append(hint)
        session.flush()
        changes = update_fulfilment(session, order) + update_payment(session, order)
        recheck_credit(session, [order.customer_id], actor=actor)  # a credit lowers what it owes
        _log_return(session, order, ret, rows, actor, changes)
        queued += goods_out(session, order, notes)
        base = finish_step(session, order, queued, notes=notes)
        return ReturnResult(**vars(base), ret=_view(session, ret, rows, order, approval_id))


def _days_since_delivery(session: Session, lines: list) -> int | None:
    """Whole days since the goods of the longest-delivered of these lines arrived (each line's
    last delivery, else shipment); None when none shipped. The return window counts from
    there for every line: a fresh unit on the same return does not bring an old one back
    inside it."""
    per_line = (select(func.max(func.coalesce(Shipment.delivered_at, Shipment.shipped_at))
                       .label("arrived"))
                .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
                .where(ShipmentLine.order_line_id.in_([line.id for line in lines]))
                .group_by(ShipmentLine.order_line_id).subquery())
    first = session.scalar(select(func.min(per_line.c.arrived)))
    if first is None:
        return None
    if first.tzinfo is None:  # SQLite hands back naive UTC from an aggregate
        first = first.replace(tzinfo=UTC)
    return (clock.now() - first).days


def _return_lines(session: Session, order: Order, requests, errors: dict) -> list[tuple]:
    """[(order line, ReturnLine)] for the requests with a quantity; problems into errors."""
    ids = [line.id for line in order.lines]
    shipped, returned = shipped_quantities(session, ids), returned_quantities(session, ids)
    by_no = {line.line_no: line for line in order.lines}
    wanted: dict[int, int] = {}  # product id -> units going out, across the lines
    rows = []
    for req in requests:
        key = f"ret.{req.line_no}"
        line = by_no.get(int(req.line_no))
        text = str(req.quantity if req.quantity is not None else "").strip() or "0"
        if line is None:
            errors[f"{key}.quantity"] = f"Line {req.line_no} is no longer on {order.ref}."
            continue
        if not text.isdecimal():
            errors[f"{key}.quantity"] = f"Enter a whole number, 0 or more (you entered '{text}')."
            continue
        quantity = int(text)
        if quantity == 0:
            continue
        left = shipped.get(line.id, 0) - returned.get(line.id, 0)
        if quantity > left:
            errors[f"{key}.quantity"] = (f"Only {left} of line {line.line_no} can come back "
                                         f"({shipped.get(line.id, 0)} shipped, "
                                         f"{returned.get(line.id, 0)} already returned).")
            continue
        row = _return_line(session, line, req, quantity, wanted, errors)
        if row is not None:
            rows.append((line, row))
    if not rows and not errors:
        first = next(iter(requests), None)
        errors[f"ret.{first.line_no if first else 1}.quantity"] = (
            "Enter how many come back on at least one line.")
    return rows


def _return_line(session, line, req, quantity: int, wanted: dict, errors: dict):
    key = f"ret.{req.line_no}"
    try:
        outcome = ReturnOutcome((req.outcome or "").strip().lower())
    except ValueError:
        errors[f"{key}.outcome"] = "Pick what the customer gets: refund, replacement, " \
                                   "exchange or claim."
        return None
    if not (req.reason or "").strip():
        errors[f"{key}.reason"] = "Pick why it comes back."
        return None
    product_id = None
    if outcome == ReturnOutcome.EXCHANGE:
        product_id = _exchange_product(session, line, req.exchange_sku, f"{key}.sku", errors)
    elif outcome == ReturnOutcome.REPLACE:
        product_id = line.product_id
        product = session.get(Product, product_id) if product_id is not None else None
        if product is None:
            errors[f"{key}.outcome"] = f"{line.sku} matches no product; refund it instead."
            product_id = None
        elif not product.active:
            errors[f"{key}.outcome"] = (f"{product.sku} is discontinued: refund it, or "
                                        "exchange it for another SKU.")
            product_id = None
    if product_id is not None:
        wanted[product_id] = wanted.get(product_id, 0) + quantity
        free = free_in_one_warehouse(session, product_id)
        if wanted[product_id] > free:
            where = f"{key}.sku" if outcome == ReturnOutcome.EXCHANGE else f"{key}.outcome"
            errors[where] = (f"Only {free} in stock to send out from one warehouse; send "
                             "fewer or refund instead.")
    if errors:
        return None
    return ReturnLine(order_line_id=line.id, quantity=quantity, outcome=outcome,
                      reason=req.reason.strip()[:200],
                      exchange_product_id=product_id if outcome == ReturnOutcome.EXCHANGE
                      else None, refund_minor=line_refund(outcome, quantity,
                                                          line.unit_price_minor))


def _exchange_product(session, line, sku: str | None, key: str, errors: dict) -> int | None:
    sku = (sku or "").strip()
    if not sku:
        errors[key] = "Enter the SKU the customer gets instead."
        return None
    spellings = list(dict.fromkeys([sku, sku.upper(), sku.lower()]))
    product = session.scalars(select(Product).where(Product.sku.in_(spellings))).first()
    if product is None:
        errors[key] = f"No product with SKU '{sku}'. Check it with /stock."
    elif not product.active:
        errors[key] = f"{product.sku} is discontinued; pick another SKU."
    elif product.id == line.product_id:
        errors[key] = f"That is the same SKU; pick Replacement to send {product.sku} again."
    else:
        return product.id
    return None


def _record(session: Session, order: Order, rows: list[tuple], *, actor: str,
            note: str | None, rules: FulfilmentRules) -> Return:
    goods_before, shipping_before = refund_totals(session, order.id)
    goods_now = sum(row.refund_minor for _line, row in rows)
    money_back = returned_quantities(session, [line.id for line in order.lines], MONEY_BACK)
    for line, row in rows:
        if row.outcome in MONEY_BACK:
            money_back[line.id] = money_back.get(line.id, 0) + row.quantity
    facts = ShippingFacts(
        shipping_minor=order.shipping_minor,
        subtotal_minor=sum(line.quantity * line.unit_price_minor for line in order.lines),
        goods_refunded_before=goods_before, shipping_refunded_before=shipping_before,
        goods_refunded_now=goods_now,
        everything_refunded=all(money_back.get(line.id, 0) >= line.quantity
                                for line in order.lines))
    ret = Return(rma=next_rma(session), order_id=order.id, status=ReturnStatus.APPROVED,
                 refund_minor=goods_now,
                 shipping_refund_minor=shipping_refund(rules.shipping_refund, facts),
                 note=(note or "").strip() or None, created_by=actor)
    ret.lines.extend(row for _line, row in rows)
    session.add(ret)
    session.flush()
    return ret


def _what(rows) -> str:
    return ", ".join(f"{row.quantity} × {line.sku} {row.outcome.value}" for line, row in rows)


def _log_return(session, order, ret: Return, rows, actor: str, changes: list) -> None:
    money = format_money(ret.refund_minor + ret.shipping_refund_minor, order.currency)
    waits = " (waiting for a manager)" if ret.status == ReturnStatus.AWAITING_APPROVAL else ""
    log(session, order, actor=actor, kind="returned",
        summary=f"recorded return {ret.rma}: {_what(rows)}; refund {money}{waits}",
        changes=changes + [{"field": f"return line {line.line_no}", "before": None,
                            "after": f"{row.quantity} {row.outcome.value} ({row.reason})"}
                           for line, row in rows])
    notify_followers(session, order_id=order.id, dedupe_key=f"returned:{ret.id}",
                     text=f"{order.ref}: return {ret.rma} recorded "
                          f"({sum(row.quantity for _l, row in rows)} unit(s)).")


def _view(session, ret: Return, rows, order: Order, approval_id: int | None) -> ReturnView:
    ids = {row.exchange_product_id for _line, row in rows if row.exchange_product_id}
    products = dict(session.execute(select(Product.id, Product.sku).where(Product.id.in_(ids))
                                    ).all()) if ids else {}
    return ReturnView(
        rma=ret.rma, status=ret.status.value, currency=order.currency,
        lines=tuple(ReturnLineView(
            line_no=line.line_no, sku=line.sku, quantity=row.quantity,
            outcome=row.outcome.value, reason=row.reason or "",
            exchange_sku=products.get(row.exchange_product_id), refund_minor=row.refund_minor)
            for line, row in rows),
        refund_minor=ret.refund_minor, shipping_refund_minor=ret.shipping_refund_minor,
        total_refund_minor=ret.refund_minor + ret.shipping_refund_minor,
        approval_id=approval_id)
