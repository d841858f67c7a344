"""New orders from outside the import file: the intake endpoint and the New order modal.

Both go through the orders importer's own row validation and writer (store.importer), so an
order means the same whatever door it came in by, and both run the order checks in the same
transaction. The intake body (JSON, one order) uses the import's column names:

    {"order_ref": "WEB-1001",            required; the idempotency key
     "customer_code": "ACME",            required
     "order_date": "2026-11-26T10:00Z",  required, ISO 8601 (as in the import; part of the
                                         content, so a resend is recognised as the same order)
     "po_number", "requested_date", "currency", "payment_status", "sales_rep", "notes",
     "ship_name", "ship_line1", "ship_line2", "ship_city", "ship_region",
     "ship_postal_code", "ship_country": optional, as in the import (no ship_*: the
                                           customer's default address)
     "lines": [{"sku": "WID-1001-BL", "quantity": 2, "unit_price": "12.50"}, ...]}
                                         1..MAX_LINES lines; unit_price optional (catalog)

Idempotent by order_ref: the same order again -> IntakeResult(created=False); different
content under an existing ref -> IntakeRejected(status=409). Bad input -> IntakeRejected(400
or 422) naming the field ("lines[1].quantity").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from store import clock
from store.db import Database
from store.errors import IntakeRejected, ValidationFailed
from store.importer import (
    ORDER_COLUMNS,
    OrderDraft,
    Tally,
    build_draft,
    decide_order,
    load_lookups,
    write_orders,
)
from store.models import Customer, Order
from store.money import MoneyError, parse_money
from store.records import order_view
from store.refs import DEFAULT_REF_PREFIX, next_ref
from store.triage import check_orders
from store.views.orders import OrderView

MAX_LINES = 500
LINE_FIELDS = ("sku", "quantity", "unit_price")
HEAD_FIELDS = tuple(c for c in ORDER_COLUMNS if c not in LINE_FIELDS)
PENDING_REF = "NEW"  # the modal's order gets its ref inside the write transaction
SOURCES = {"intake": "the intake endpoint", "modal": "the New order modal"}


@dataclass(frozen=True)
class IntakeResult:
    order_ref: str
    created: bool
    discrepancies: int


def intake_order(db: Database, *, body: object, actor: str = "intake",
                 shipping: str | None = None) -> IntakeResult:
    """`shipping`: the shipping charge as a decimal string (a storefront's shipping lines)."""
    draft = _draft(_rows(body), lambda n, col: _intake_field(n, col))
    for attempt in (1, 2):
        try:
            with db.write() as session:
                outcome = _write(session, draft, actor=actor, source="intake",
                                 field=_intake_field, shipping=shipping)
                if outcome is None:
                    return IntakeResult(draft.ref, False, 0)
                return IntakeResult(draft.ref, True, outcome[1])
        except IntegrityError:
            if attempt == 2:  # the same ref was created concurrently: now it is "existing"
                raise
    raise AssertionError("unreachable")


def _intake_field(n: int | None, column: str | None) -> str | None:
    if n is None or column in HEAD_FIELDS or column is None:
        return column
    return f"lines[{n}].{column}"


def _rows(body: object) -> list[dict[str, str]]:
    if not isinstance(body, dict):
        raise IntakeRejected("The body must be a JSON object: one order.", field=None)
    unknown = sorted(set(body) - set(HEAD_FIELDS) - {"lines"})
    if unknown:
        raise IntakeRejected(f"Unknown field '{unknown[0]}'. Fields: {', '.join(ORDER_COLUMNS)} "
                             "(sku, quantity, unit_price inside lines).", field=unknown[0])
    lines = body.get("lines")
    if not isinstance(lines, list) or not lines or len(lines) > MAX_LINES:
        raise IntakeRejected(f"'lines' must be a list of 1 to {MAX_LINES} lines.", field="lines")
    head = {k: _cell(body.get(k), k) for k in HEAD_FIELDS}
    rows = []
    for n, line in enumerate(lines):
        if not isinstance(line, dict):
            raise IntakeRejected("Each line must be an object with sku, quantity, unit_price.",
                                 field=f"lines[{n}]")
        extra = sorted(set(line) - set(LINE_FIELDS))
        if extra:
            raise IntakeRejected(f"Unknown line field '{extra[0]}'.",
                                 field=f"lines[{n}].{extra[0]}")
        cells = {k: _cell(line.get(k), f"lines[{n}].{k}") for k in LINE_FIELDS}
        rows.append({**(head if n == 0 else {k: "" for k in HEAD_FIELDS}), **cells})
    return rows


def _cell(value: object, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise IntakeRejected(f"'{field}' must be a string or a number.", field=field)
    return str(value).strip()


def _draft(rows: list[dict[str, str]], field) -> OrderDraft:
    tally = Tally()
    ref = rows[0].get("order_ref", "")
    if not ref:
        raise IntakeRejected("order_ref is empty; give the order's reference.", field="order_ref")
    draft = build_draft(ref, list(enumerate(rows)), tally)
    if draft is None:
        first = _first_cause(tally)
        raise IntakeRejected(first.reason, field=field(first.row, first.column))
    return draft


def _first_cause(tally: Tally):
    """The rejection that says what is wrong, not "order X not imported because row N..."."""
    rejections = tally.sorted_rejections()
    return next((r for r in rejections if r.column), rejections[0])


def _write(session, draft: OrderDraft, *, actor: str, source: str, field,
           shipping: str | None = None):
    """Insert and check the order; None if the same order already exists (unchanged)."""
    # Orders of one customer arriving at once each passed the credit and duplicate checks
    # without the other (PostgreSQL): the second waits here until the first has committed,
    # and its checks then count it. (SQLite runs one writer at a time anyway.)
    session.execute(select(Customer.id).where(Customer.code == draft.head["customer_code"])
                    .with_for_update())
    found = load_lookups(session, [draft])
    existing = found.existing.get(draft.ref)
    tally = Tally()
    decided = decide_order(session, draft, found, tally)
    if decided is None:
        if existing is not None and tally.rows_unchanged:
            return None
        if existing is not None:
            raise IntakeRejected(f"Order {draft.ref} already exists with different content; "
                                 "send it under a new order_ref.", field="order_ref", status=409)
        first = _first_cause(tally)
        raise IntakeRejected(first.reason, field=field(first.row, first.column), status=422)
    (order_id,) = write_orders(session, [(draft, *decided)], actor=actor,
                               filename=SOURCES[source], source=source)
    if shipping:  # before the checks: the charge counts toward the credit used
        order = session.get(Order, order_id)
        order.shipping_minor = _shipping(shipping, order.currency)
        session.flush()
    report = check_orders(session, [order_id], actor=actor)
    return order_id, len(report.opened)


def create_order(db: Database, *, actor: str, customer_code: str, lines: list[tuple],
                 po_number: str | None = None, requested_date: date | None = None,
                 ship_to: dict | None = None, shipping: str | None = None,
                 notes: str | None = None, ref_prefix: str = DEFAULT_REF_PREFIX) -> OrderView:
    """The New order modal: `lines` are (line no, sku, quantity, unit_price or None) as typed;
    `ship_to` the address parts (name, line1, ... country; all empty: the customer's address
    on file), `shipping` the charge as typed, `notes` free text; the order's ref is the next
    number after `ref_prefix` (ORDERDESK_REF_PREFIX). Raises ValidationFailed keyed by the
    modal's block ids."""
    head = {"order_ref": PENDING_REF, "customer_code": customer_code or "",
            "po_number": po_number or "", "order_date": clock.now().isoformat(),
            "requested_date": requested_date.isoformat() if requested_date else "",
            "notes": (notes or "").strip(),
            **{f"ship_{k}": (v or "").strip() for k, v in (ship_to or {}).items()}}

    # 0 is a quantity (refused as not positive), not an empty cell.
    rows = [{**(head if i == 0 else {}), "sku": s or "", "quantity": "" if q is None else str(q),
             "unit_price": "" if p is None else str(p)} for i, (_n, s, q, p) in enumerate(lines)]
    numbers = [n for n, *_ in lines]
    if not rows:
        raise ValidationFailed({"line.1.sku": "Add at least one line."})
    try:
        draft = _draft(rows, lambda n, col: _modal_field(numbers, n, col))
        with db.write() as session:
            draft.ref = next_ref(session, ref_prefix)
            order_id, _ = _write(session, draft, actor=actor, source="modal",
                                 field=lambda n, col: _modal_field(numbers, n, col),
                                 shipping=shipping)
            return order_view(session, session.get(Order, order_id))
    except IntakeRejected as err:
        field = err.field or "customer"
        if field == "customer" and "is not known" in err.message:
            raise ValidationFailed({field: (
                f"There is no customer '{customer_code}'. Pick one from the list as you type its "
                "name or code; a new customer is added by a processor or admin through the "
                "customer import.")}) from None
        raise ValidationFailed({field: err.message}) from None


def _shipping(text: str | None, currency: str) -> int:
    """The shipping charge as typed (empty: none), in the order's currency's minor units."""
    text = (text or "").strip().lstrip("$€£¥")
    if not text:
        return 0
    try:
        return parse_money(text, currency)
    except MoneyError as err:
        raise ValidationFailed({"shipping": f"{err}."}) from None


def _modal_field(numbers: list[int], n: int | None, column: str | None) -> str:
    if column in ("customer_code", None):
        return "customer"
    if column in ("po_number", "requested_date", "notes"):
        return column
    if column and column.startswith("ship_"):
        return f"ship_to.{column[len('ship_'):]}"
    line = numbers[n] if n is not None and n < len(numbers) else 1
    return f"line.{line}.{'sku' if column == 'sku' else column}"


__all__ = ["IntakeResult", "create_order", "intake_order"]
