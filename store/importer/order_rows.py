"""Orders file rows -> order drafts: parse every cell, group lines by order_ref, and hold back
a whole order when any of its rows is wrong (a half order never enters)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from store.control_chars import TEXT_LIMITS
from store.importer import fields as f
from store.importer.report import Tally
from store.models import Order, OrderLine

_ORDER = Order.__table__.c
SHIP_COLUMNS = {
    "ship_name": "ship_name", "ship_line1": "ship_line1", "ship_line2": "ship_line2",
    "ship_city": "ship_city", "ship_region": "ship_region",
    "ship_postal_code": "ship_postal_code", "ship_country": "ship_country",
}
_TEXT_HEAD = {  # file column -> max length, from the model
    "po_number": _ORDER.po_number.type.length,
    "notes": TEXT_LIMITS["notes"],
    **{col: _ORDER[attr].type.length for col, attr in SHIP_COLUMNS.items()
       if col != "ship_country"},
}
_SKU_LEN = OrderLine.__table__.c.sku.type.length
_REF_LEN = _ORDER.ref.type.length
# Order-level values that must agree on every line of an order (others: first non-empty wins).
_MUST_AGREE = ("customer_code", "currency")


@dataclass
class LineDraft:
    row: int
    sku: str
    quantity: int
    price: Decimal | None  # None: take the catalog price
    price_text: str


@dataclass
class OrderDraft:
    ref: str
    rows: list[int]
    head: dict = field(default_factory=dict)
    head_rows: dict[str, int] = field(default_factory=dict)  # which row gave each value
    lines: list[LineDraft] = field(default_factory=list)

    @property
    def first_row(self) -> int:
        return self.rows[0]

    @cached_property
    def fingerprint(self) -> str:
        """Identifies the file's content for this order, so a re-import can say 'unchanged'."""
        head = {k: _plain(v) for k, v in sorted(self.head.items())}
        lines = [[ln.sku, ln.quantity, _plain(ln.price)] for ln in self.lines]
        blob = json.dumps([self.ref, head, lines], separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()


def _plain(value):
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _head_parsers() -> list[tuple[str, str, object]]:
    """(draft key, file column, parser of a non-empty cell) for every order-level column."""
    parsers = [
        ("customer_code", "customer_code", lambda v: f.text(v, "customer_code", 64)),
        ("ordered_at", "order_date", lambda v: f.timestamp(v, "order_date")),
        ("requested_date", "requested_date", lambda v: f.optional_date(v, "requested_date")),
        ("currency", "currency", f.currency),
        ("payment_status", "payment_status", f.payment_status),
        ("sales_rep_id", "sales_rep", lambda v: f.slack_user(v, "sales_rep")),
        ("ship_country", "ship_country", lambda v: f.country(v, "ship_country")),
    ]
    for column, max_len in _TEXT_HEAD.items():
        parsers.append((SHIP_COLUMNS.get(column, column), column,
                        lambda v, c=column, n=max_len: f.text(v, c, n)))
    return parsers


_HEAD_PARSERS = _head_parsers()
HEAD_COLUMNS = tuple(column for _, column, _ in _HEAD_PARSERS)


def parse_head(row: dict[str, str]) -> tuple[dict, list[f.FieldError]]:
    """The order-level values of one row; empty cells are simply absent."""
    head: dict = {}
    errors: list[f.FieldError] = []
    for key, column, parse in _HEAD_PARSERS:
        value = row.get(column)
        if value:
            try:
                head[key] = parse(value)
            except f.FieldError as err:
                errors.append(err)
    return head, errors


def _parse_line(row: dict[str, str], errors: list[f.FieldError]) -> LineDraft | None:
    before = len(errors)
    sku = quantity = price = None
    try:
        sku = f.required_text(row.get("sku", ""), "sku", _SKU_LEN, "the SKU it orders")
    except f.FieldError as err:
        errors.append(err)
    try:
        quantity = f.whole_number(row.get("quantity", ""), "quantity", minimum=1,
                                  maximum=f.MAX_LINE_QUANTITY)
    except f.FieldError as err:
        errors.append(err)
    price_text = row.get("unit_price", "")
    if price_text:
        try:
            price = f.amount(price_text, "unit_price")
        except f.FieldError as err:
            errors.append(err)
    if len(errors) > before:
        return None
    return LineDraft(row=0, sku=sku, quantity=quantity, price=price, price_text=price_text)


def build_draft(ref: str, rows: list[tuple[int, dict[str, str]]],
                tally: Tally) -> OrderDraft | None:
    """Group one order's rows; on any problem, record rejections and return None."""
    draft = OrderDraft(ref=ref, rows=[n for n, _ in rows])
    problems: dict[int, list[f.FieldError]] = {}
    if len(ref) > _REF_LEN:
        problems[rows[0][0]] = [f.FieldError("order_ref", f"order_ref is {len(ref)} characters "
                                             f"long; the most is {_REF_LEN}")]
    previous: tuple | None = None
    for row_no, row in rows:
        if nul := f.nul_errors(row):  # nothing else is read from it: no message quotes a NUL
            problems[row_no] = nul
            continue
        cells = tuple(row.get(c) for c in HEAD_COLUMNS)
        if cells != previous:  # exports repeat the order's values on every line: parse once
            head, errors = parse_head(row)
            previous = cells
        else:
            errors = []
        line = _parse_line(row, errors)
        errors.extend(_disagreements(draft, head, row_no))
        _merge_head(draft, head, row_no)
        if line is not None:
            line.row = row_no
            draft.lines.append(line)
        if errors:
            problems.setdefault(row_no, []).extend(errors)
    if not problems:
        problems = _missing_head(draft)
    if problems:
        reject_order(draft, problems, tally)
        return None
    return draft


def _missing_head(draft: OrderDraft) -> dict[int, list[f.FieldError]]:
    """Order-level values may sit on any line of the order, but some line must have them."""
    missing = []
    if draft.head.get("customer_code") is None:
        missing.append(f.FieldError("customer_code", (
            f"customer_code is empty on every line of order {draft.ref}; "
            "give the customer's code")))
    if draft.head.get("ordered_at") is None:
        missing.append(f.FieldError("order_date", (
            f"order_date is empty on every line of order {draft.ref}; "
            "use an ISO date like 2024-05-01")))
    return {draft.first_row: missing} if missing else {}


def _disagreements(draft: OrderDraft, head: dict, row_no: int) -> list[f.FieldError]:
    out = []
    for key in _MUST_AGREE:
        first, here = draft.head.get(key), head.get(key)
        if first is not None and here is not None and first != here:
            out.append(f.FieldError(key, (
                f"{key} '{here}' differs from '{first}' on row {draft.head_rows[key]} of "
                f"order {draft.ref}; one order has one {key.replace('_', ' ')}")))
    return out


def _merge_head(draft: OrderDraft, head: dict, row_no: int) -> None:
    for key, value in head.items():
        if draft.head.get(key) is None and value is not None:
            draft.head[key] = value
            draft.head_rows[key] = row_no


def reject_order(draft: OrderDraft, problems: dict[int, list[f.FieldError]], tally: Tally) -> None:
    """Record each problem, and hold back the order's other rows with a pointer to the cause."""
    for row_no in sorted(problems):
        for err in problems[row_no]:
            tally.reject(row_no, err.column, err.reason)
    bad = sorted(problems)
    cause = f"row {bad[0]} was" if len(bad) == 1 else f"rows {', '.join(map(str, bad))} were"
    for row_no in draft.rows:
        if row_no not in problems:
            tally.reject(row_no, None, f"order {draft.ref} not imported because {cause} rejected")
