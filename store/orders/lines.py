"""Line edits: quantity and price changes, added and removed lines, and their rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from store import clock
from store.control_chars import identifier_problem
from store.fulfilment import gate_price_change, release_reservation, settle_edited_lines
from store.lookup import compact_sku
from store.models import CustomerPrice, Order, OrderLine, Product
from store.money import MoneyError, format_money, order_total_problem, parse_money
from store.records import shipped_quantities
from store.views.orders import FieldChange

MAX_QUANTITY = 1_000_000


@dataclass(frozen=True)
class LineEdit:
    """line_no None adds a line. quantity as typed ("3") or an int. unit_price: a decimal
    string in major units as typed ("12.50"), an int in minor units, or None (existing line:
    unchanged; new line: the customer's price, else the catalog price). An empty string on
    an existing line is a cleared box and refused; on a new line it means None."""

    line_no: int | None
    sku: str
    quantity: int | str
    unit_price: str | int | None = None
    remove: bool = False


def edit_lines(session: Session, order: Order, edits, errors: dict, *,
               actor: str = "system") -> list[FieldChange]:
    shipped = shipped_quantities(session, [line.id for line in order.lines])
    by_no = {line.line_no: line for line in order.lines}
    next_no = max(by_no, default=0)
    out: list[FieldChange] = []
    asked: dict[int, int] = {}  # line no -> a price change waiting for approval
    for edit in edits:
        if edit.line_no is None:
            if not str(edit.sku or "").strip() and not str(edit.quantity or "").strip():
                continue  # the "add a line" fields were left empty
            next_no += 1
            out += _add_line(session, order, edit, next_no, errors)
            continue
        line = by_no.get(int(edit.line_no))
        if line is None:
            errors[f"lines.{edit.line_no}.quantity"] = (
                f"Line {edit.line_no} is no longer on {order.ref}; reopen the order.")
        elif edit.remove:
            out += _remove_line(order, line, shipped.get(line.id, 0), errors)
        else:
            out += _change_line(session, order, line, edit, shipped.get(line.id, 0), errors,
                                actor=actor, asked=asked)
    def amount(line: OrderLine) -> int:  # as asked: a price awaiting approval counts already
        return line.quantity * asked.get(line.line_no, line.unit_price_minor)

    if problem := order_total_problem(sum(map(amount, order.lines)) + (order.shipping_minor or 0),
                                      order.currency):
        biggest = max(order.lines, key=amount)
        key = f"lines.{biggest.line_no}" if biggest.line_no in by_no else "lines.new"
        errors[f"{key}.quantity"] = problem[0].upper() + problem[1:] + "."
    if not order.lines and "lines.remove" not in errors:
        errors["lines.remove"] = ("An order needs at least one line; to drop everything, "
                                  "cancel the order instead.")
    if out and not errors and any(shipped.values()):
        out += [FieldChange(c["field"], c["before"], c["after"]) for c in settle_edited_lines(
            session, order, shipped, actor=actor, now=clock.now())]
    return out


def parse_quantity(value, *, drop: str = "remove it instead") -> tuple[int | None, str | None]:
    """(quantity, None) or (None, what is wrong); `drop`: how the form drops a line."""
    text = str(value).strip() if value is not None else ""
    if isinstance(value, bool) or not re.fullmatch(r"\d+", text):
        shown = f" (you entered '{text}')" if text else ""
        return None, f"Enter a whole number of 1 or more{shown}."
    quantity = int(text)
    if quantity < 1:
        return None, f"The quantity must be 1 or more; to drop the line, {drop}."
    if quantity > MAX_QUANTITY:
        return None, f"{quantity:,} is more than we can take on one line ({MAX_QUANTITY:,})."
    return quantity, None


def parse_price(value, currency: str) -> tuple[int | None, str | None]:
    """(minor units or None when left empty, None) or (None, what is wrong)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, None) if value >= 0 else (None, "A price can't be negative.")
    try:
        return parse_money(str(value), currency), None
    except MoneyError as error:
        return None, f"{error}."


def line_text(sku: str, quantity: int, price_minor: int, currency: str) -> str:
    return f"{sku} × {quantity} @ {format_money(price_minor, currency)}"


def _change_line(session, order, line, edit, shipped: int, errors: dict, *,
                 actor: str, asked: dict[int, int]) -> list[FieldChange]:
    key, out = f"lines.{line.line_no}", []
    sku = str(edit.sku or "").strip()
    if sku and sku != line.sku:
        product = _product(session, sku, f"{key}.sku", errors)
        if product is not None and shipped:
            errors[f"{key}.sku"] = (f"Line {line.line_no} has {shipped} shipped; its SKU can't "
                                    "change. Remove it after a return, or add a new line.")
        elif product is not None:
            out.append(FieldChange(f"line {line.line_no} SKU", line.sku, product.sku,
                                   line_no=line.line_no, name="SKU"))
            release_reservation(line, keep=0)
            line.sku, line.product_id, line.product = product.sku, product.id, product
    quantity, problem = parse_quantity(edit.quantity)
    if problem:
        errors[f"{key}.quantity"] = problem
    elif quantity < shipped:
        errors[f"{key}.quantity"] = (f"{shipped} of line {line.line_no} already shipped; the "
                                     f"quantity can't go below {shipped}.")
    elif quantity != line.quantity:
        out.append(FieldChange(f"line {line.line_no} quantity", str(line.quantity), str(quantity),
                               line_no=line.line_no, name="quantity"))
        line.quantity = quantity
        # Reserved stock is for what is still to ship: none once the line is down to it.
        release_reservation(line, keep=min(line.quantity_reserved, quantity - shipped))
        # Lowered: no more backordered than the line still lacks.
        line.quantity_backordered = min(line.quantity_backordered,
                                        max(0, quantity - shipped - line.quantity_reserved))
    price, problem = parse_price(edit.unit_price, order.currency)
    if isinstance(edit.unit_price, str) and not edit.unit_price.strip():
        problem = f"Enter the unit price in {order.currency}, e.g. 12.50."  # a cleared box
    if problem:
        errors[f"{key}.unit_price"] = problem
    elif price is not None and price != line.unit_price_minor:
        # A big price move waits for a manager (store.fulfilment.approvals); the price stays
        # until then.
        waiting = gate_price_change(session, order, line, price, actor=actor)
        out.append(FieldChange(f"line {line.line_no} unit price",
                               format_money(line.unit_price_minor, order.currency),
                               format_money(price, order.currency)
                               + (f" ({waiting})" if waiting else ""),
                               line_no=line.line_no, name="unit price", currency=order.currency,
                               before_minor=line.unit_price_minor,
                               after_minor=None if waiting else price))
        if waiting:
            asked[line.line_no] = price
        else:
            line.unit_price_minor = price
    return out


def _add_line(session, order, edit, line_no: int, errors: dict) -> list[FieldChange]:
    sku = str(edit.sku or "").strip()
    if not sku:
        errors["lines.new.sku"] = "Enter the SKU of the line to add."
        return []
    product = _product(session, sku, "lines.new.sku", errors)
    quantity, problem = parse_quantity(edit.quantity)
    if problem:
        errors["lines.new.quantity"] = problem
    price, price_problem = parse_price(edit.unit_price, order.currency)
    if price_problem:
        errors["lines.new.unit_price"] = price_problem
    if product is None or problem or price_problem:
        return []
    if price is None:
        price = _default_price(session, order, product, errors)
        if price is None:
            return []
    order.lines.append(OrderLine(line_no=line_no, sku=product.sku, product_id=product.id,
                                 quantity=quantity, unit_price_minor=price))
    return [FieldChange(f"line {line_no}", "", line_text(product.sku, quantity, price,
                                                         order.currency), line_no=line_no)]


def _remove_line(order, line, shipped: int, errors: dict) -> list[FieldChange]:
    if shipped:
        errors["lines.remove"] = (f"Line {line.line_no} ({line.sku}) has {shipped} shipped, so "
                                  "it can't be removed; start a return instead.")
        return []
    before = line_text(line.sku, line.quantity, line.unit_price_minor, order.currency)
    release_reservation(line, keep=0)
    order.lines.remove(line)
    return [FieldChange(f"line {line.line_no}", before, "", line_no=line.line_no)]


def _product(session: Session, sku: str, key: str, errors: dict) -> Product | None:
    if problem := identifier_problem(sku, "The SKU"):
        errors[key] = problem + "."
        return None
    spellings = list(dict.fromkeys([sku, sku.upper(), sku.lower()]))
    product = session.scalars(select(Product).where(Product.sku.in_(spellings))).first()
    if product is None:
        errors[key] = f"No product with SKU '{sku}'.{_suggestion(session, sku)}"
    elif not product.active:
        errors[key] = f"{product.sku} ({product.name}) is discontinued; pick another SKU."
        return None
    return product


def _suggestion(session: Session, sku: str) -> str:
    """Close SKUs for a typo; only on this error path, so scanning the catalog is fine."""
    skus = list(session.scalars(select(Product.sku).where(Product.active.is_(True))))
    compact = {compact_sku(s): s for s in skus}
    close = process.extract(compact_sku(sku), list(compact), scorer=fuzz.ratio, limit=2,
                            score_cutoff=70)
    if close:
        return f" Did you mean {' or '.join(compact[c] for c, _s, _i in close)}?"
    return " Check it with /stock."


def _default_price(session, order, product: Product, errors: dict) -> int | None:
    negotiated = session.scalar(select(CustomerPrice.unit_price_minor).where(
        CustomerPrice.customer_id == order.customer_id,
        CustomerPrice.product_id == product.id))
    if negotiated is not None:
        return negotiated
    if product.currency != order.currency:
        errors["lines.new.unit_price"] = (
            f"The catalog price of {product.sku} is in {product.currency} but this order is in "
            f"{order.currency}; enter the price in {order.currency}.")
        return None
    return product.unit_price_minor
