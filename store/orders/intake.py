"""New orders from outside the import file: the intake endpoint and the New order modal.

Both go through the orders importer's own row validation and writer (store.importer), so an
order means the same whatever door it came in by, and both run the order checks in the same
transaction. What a person types in the modal is first held to the order editor's rules (a
whole ship-to or none, no past requested date, quantities and prices as the editor reads
them), in the form's words; a file or a storefront is not. The intake body (JSON, one
order) uses the import's column names:

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
from functools import partial

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from store import clock
from store.customers import address_problems, clean_address
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
from store.money import MoneyError, format_minor, parse_money
from store.orders.edit import requested_date_problem
from store.orders.lines import parse_price, parse_quantity
from store.records import order_view
from store.refs import DEFAULT_REF_PREFIX, next_ref
from store.triage import check_orders
from store.views.orders import AddressView, OrderView

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
    modal's block ids.

    What a person typed is checked first by the order editor's own rules (store.orders.edit,
    .lines; store.customers' address rules), so the two forms take the same ship-to, dates and
    lines, in the same words: a half-typed ship-to or a past requested date is refused under
    its field, not filed as a problem against the order just entered."""
    if not lines:
        raise ValidationFailed({"line.1.sku": "Add at least one line."})
    numbers = [n for n, *_ in lines]
    field = partial(_modal_field, numbers)
    address = clean_address(AddressView(**(ship_to or {})))
    try:
        with db.write() as session:
            currency = session.scalar(select(Customer.currency).where(
                Customer.code == (customer_code or "")))
            if currency is None:
                raise ValidationFailed({"customer": _no_customer(customer_code)})
            errors: dict[str, str] = {}
            typed = _typed_lines(lines, currency, errors)
            errors.update(_ship_to_problems(address))
            if problem := requested_date_problem(requested_date, clock.today()):
                errors["requested_date"] = problem
            shipping = _typed_shipping(shipping, currency, errors)
            if errors:
                raise ValidationFailed(errors)
            head = {"order_ref": PENDING_REF, "customer_code": customer_code,
                    "po_number": po_number or "", "order_date": clock.now().isoformat(),
                    "requested_date": requested_date.isoformat() if requested_date else "",
                    "notes": (notes or "").strip(),
                    **{f"ship_{k}": v or "" for k, v in address.items()}}
            rows = [{**(head if i == 0 else {}), **cells} for i, cells in enumerate(typed)]
            draft = _draft(rows, field)
            draft.ref = next_ref(session, ref_prefix)
            order_id, _ = _write(session, draft, actor=actor, source="modal", field=field,
                                 shipping=shipping)
            return order_view(session, session.get(Order, order_id))
    except IntakeRejected as err:
        key = err.field or "customer"
        if key == "customer" and "is not known" in err.message:
            raise ValidationFailed({key: _no_customer(customer_code)}) from None
        raise ValidationFailed({key: err.message}) from None


def _no_customer(code: str | None) -> str:
    if not code:
        return "Pick the customer from the list as you type its name or code."
    return (f"There is no customer '{code}'. Pick one from the list as you type its name or "
            "code; a new customer is added by a processor or admin through the customer "
            "import.")


# The modal drops a line by clearing it, a workflow step by not listing it: neither "removes".
CLEAR_LINE = "leave it out"
ON_FILE = "Or leave every Ship-to field empty to ship to the customer's address on file."


def _typed_lines(lines: list[tuple], currency: str, errors: dict) -> list[dict[str, str]]:
    """The modal's lines as the importer's cells, after the editor's rules (a quantity of 1
    or more, a price as parse_money reads it: '$12.50' for USD); problems go in `errors`."""
    cells = []
    for n, sku, quantity, price in lines:
        sku = str(sku or "").strip()
        if not sku:
            typed = [what for what, value in (("quantity", quantity), ("unit price", price))
                     if str(value if value is not None else "").strip()]
            errors[f"line.{n}.sku"] = (f"Line {n}: pick a product, or clear its "
                                       f"{' and '.join(typed or ['quantity'])}.")
            continue
        count, problem = parse_quantity(quantity, drop=CLEAR_LINE)
        if problem:
            errors[f"line.{n}.quantity"] = problem
        minor, problem = parse_price(price, currency)
        if problem:
            errors[f"line.{n}.unit_price"] = problem
        cells.append({"sku": sku, "quantity": str(count or ""),
                      "unit_price": "" if minor is None else format_minor(minor, currency)})
    return cells


def _ship_to_problems(address: dict[str, str | None]) -> dict[str, str]:
    """All empty: the address on file. Else the editor's rule: a whole address (line 1, city,
    postal code, country); the first missing part says the modal's other way out."""
    if not any(address.values()):
        return {}
    problems = address_problems(address, "ship_to")
    missing = next((k for k in problems if not address[k.partition(".")[2]]), None)
    if missing is not None:
        problems[missing] = f"{problems[missing]} {ON_FILE}"
    return problems


def _typed_shipping(text: str | None, currency: str, errors: dict) -> str | None:
    """The shipping charge as typed ('$12.50' for USD), as the plain amount _write reads."""
    if not (text or "").strip():
        return None
    try:
        return format_minor(parse_money(text, currency), currency)
    except MoneyError as err:
        errors["shipping"] = f"{err}."
        return None


def _shipping(text: str | None, currency: str) -> int:
    """The shipping charge as given (empty: none), in the order's currency's minor units."""
    text = (text or "").strip()
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
