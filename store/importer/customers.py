"""Import customers: one row per customer, upserted by customer_code.

Columns (header names are case-insensitive; extra columns are ignored):

    required: customer_code, name, currency
    optional: email, phone, credit_limit, sales_rep, address_line1, address_line2, city,
              region, postal_code, country, language

- language: the customer's mail language (en, es); empty means the workspace default.
- credit_limit: a decimal like 50000.00 in the customer's currency; empty means no limit.
- sales_rep: the account owner's Slack user id (U012AB3CD).
- The address becomes the customer's default shipping address (updated in place if there is
  one). country is a 2-letter ISO code. Leave every address column empty to keep addresses.
- Re-importing the same file changes nothing (rows count as unchanged); changed values
  overwrite the stored ones (customer master data comes from the file's system).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from store import clock
from store.customers import CUSTOMER_EDITED
from store.enums import AddressKind
from store.importer import fields as f
from store.importer.context import ImportContext
from store.importer.order_batch import chunked_in
from store.models import Customer, CustomerAddress, Event
from store.money import format_money
from store.triage import recheck_credit

COLUMNS = [
    "customer_code", "name", "email", "phone", "credit_limit", "currency", "sales_rep",
    "address_line1", "address_line2", "city", "region", "postal_code", "country", "language",
]
REQUIRED = ["customer_code", "name", "currency"]
BATCH_ROWS = 1000
_C = Customer.__table__.c
_A = CustomerAddress.__table__.c
_ADDRESS = {"address_line1": "line1", "address_line2": "line2", "city": "city",
            "region": "region", "postal_code": "postal_code"}


def parse_row(row: dict[str, str]) -> tuple[dict, list[f.FieldError]]:
    out: dict = {"address": {}}
    errors: list[f.FieldError] = []

    def attempt(target: dict, key: str, fn, *args):
        try:
            target[key] = fn(*args)
        except f.FieldError as err:
            errors.append(err)

    attempt(out, "code", f.required_text, row["customer_code"], "customer_code",
            _C.code.type.length, "a customer_code")
    attempt(out, "name", f.required_text, row["name"], "name", _C.name.type.length,
            "the customer's name")
    attempt(out, "currency", _currency, row["currency"])
    attempt(out, "email", f.email, row.get("email", ""), "email", _C.email.type.length)
    attempt(out, "phone", f.text, row.get("phone", ""), "phone", _C.phone.type.length)
    attempt(out, "language", f.language, row.get("language", ""), "language")
    attempt(out, "sales_rep_id", f.slack_user, row.get("sales_rep", ""), "sales_rep")
    for column, attr in _ADDRESS.items():
        attempt(out["address"], attr, f.text, row.get(column, ""), column, _A[attr].type.length)
    attempt(out["address"], "country", f.country, row.get("country", ""), "country")
    out["credit_limit_minor"] = None
    limit = row.get("credit_limit", "")
    if limit and "currency" in out:
        try:
            value = f.amount(limit, "credit_limit")
            out["credit_limit_minor"] = f.minor_units(value, out["currency"], "credit_limit", limit)
        except f.FieldError as err:
            errors.append(err)
    return out, errors


def _currency(value: str) -> str:
    if not value:
        raise f.FieldError("currency", "currency is empty; give the customer's currency, like USD")
    return f.currency(value)


def run(ctx: ImportContext) -> None:
    seen: dict[str, int] = {}
    batch: list[tuple[int, dict]] = []
    for row_no, row in ctx.checked_rows():
        batch.append((row_no, row))
        if len(batch) >= BATCH_ROWS:
            _write_batch(ctx, batch, seen)
            batch = []
    _write_batch(ctx, batch, seen)


def _write_batch(ctx: ImportContext, batch, seen: dict[str, int]) -> None:
    with ctx.db.write() as session:
        codes = {row["customer_code"] for _, row in batch}
        existing = {c.code: c for (c,) in chunked_in(session, lambda k: select(Customer).options(
            selectinload(Customer.addresses)).where(Customer.code.in_(k)), codes)}
        moved: list[Customer] = []
        for row_no, row in batch:
            values, errors = parse_row(row)
            if not errors:
                first = seen.setdefault(values["code"], row_no)
                if first != row_no:
                    errors = [f.FieldError("customer_code", (
                        f"customer_code '{values['code']}' is already on row {first}; "
                        "one row per customer"))]
            if errors:
                for err in errors:
                    ctx.tally.reject(row_no, err.column, err.reason)
            else:
                owed_before = _credit_terms(existing.get(values["code"]))
                known = values["code"] in existing
                if diffs := _apply(session, values, existing):
                    ctx.tally.rows_imported += 1
                    customer = existing[values["code"]]
                    if known:  # a limit, a rep, an address changed by a file: in the trail too
                        _log_changes(session, ctx, customer, diffs)
                    if owed_before is not None and _credit_terms(customer) != owed_before:
                        moved.append(customer)
                else:
                    ctx.tally.rows_unchanged += 1
        session.flush()
        if moved:  # a limit raised, lowered or cleared, another currency: its items follow
            recheck_credit(session, [c.id for c in moved], actor=ctx.actor)
        ctx.save_counts(session)
    ctx.batch_done()


def _credit_terms(customer: Customer | None) -> tuple | None:
    """What the credit check reads of a customer (None: a new one, with no orders yet)."""
    return None if customer is None else (customer.credit_limit_minor, customer.currency)


# The customer's columns an import sets, as the trail names them.
_FIELDS = {"name": "name", "email": "email", "phone": "phone", "currency": "currency",
           "sales_rep_id": "sales rep", "credit_limit_minor": "credit limit",
           "language": "language"}


def _apply(session: Session, values: dict, existing: dict[str, Customer]) -> list[tuple]:
    """Set the row's values; the (field, before, after) it changed (a new customer: one)."""
    customer = existing.get(values["code"])
    changed: list[tuple] = []
    if customer is None:
        customer = Customer(code=values["code"])
        session.add(customer)
        existing[values["code"]] = customer
        changed.append(("customer", None, values["code"]))
    was_in = customer.currency  # a limit's before is in the currency it was in
    for attr, label in _FIELDS.items():
        if getattr(customer, attr, None) != values[attr]:
            before, after = getattr(customer, attr, None), values[attr]
            if attr == "credit_limit_minor":
                before = None if before is None else format_money(before, was_in)
                after = None if after is None else format_money(after, values["currency"])
            changed.append((label, before, after))
            setattr(customer, attr, values[attr])
    address = values["address"]
    if not any(address.values()):
        return changed
    current = next((a for a in customer.addresses
                    if a.kind == AddressKind.SHIPPING and a.is_default), None)
    if current is None:
        customer.addresses.append(CustomerAddress(kind=AddressKind.SHIPPING, is_default=True,
                                                  **address))
        return changed + [("shipping address", None, "added")]
    for attr, value in address.items():
        if getattr(current, attr) != value:
            changed.append((f"shipping {attr.replace('_', ' ')}", getattr(current, attr), value))
            setattr(current, attr, value)
    return changed


def _log_changes(session: Session, ctx: ImportContext, customer: Customer, diffs) -> None:
    def shown(value) -> str:
        return "" if value is None else str(value)
    fields = ", ".join(dict.fromkeys(label for label, _, _ in diffs))
    session.add(Event(actor_id=ctx.actor, kind=CUSTOMER_EDITED, customer_id=customer.id,
                      at=clock.now(), summary=f"import {ctx.filename}: edited {customer.code}: "
                                              f"{fields}"[:300],
                      changes=[{"field": label, "before": shown(before), "after": shown(after)}
                               for label, before, after in diffs]))
