"""/customer: look a customer up; edit their contact details and shipping address (logged)."""

from __future__ import annotations

import re
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import clock
from store.control_chars import too_long
from store.customers.addresses import address_problems, clean_address
from store.customers.view import (
    NOTICES,
    content_version,
    customer_view,
    default_shipping,
    load_customer,
    primary_contact,
)
from store.db import Database
from store.enums import CUSTOMER_LANGUAGES, AddressKind
from store.errors import CustomerNotFound, CustomerUnclear, StaleEdit, ValidationFailed
from store.lookup import find_customers
from store.models import CustomerAddress, CustomerContact, Event
from store.views.orders import ADDRESS_FIELDS, UNSET, AddressView, ContactView, CustomerView

CUSTOMER_EDITED = "customer_edited"
MATCH_THRESHOLD = 85.0
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+()./\s-]{6,40}$")
_ADDRESS_LABELS = {
    "name": "shipping address name", "line1": "shipping address line 1",
    "line2": "shipping address line 2", "city": "shipping address city",
    "region": "shipping address region", "postal_code": "shipping address postal code",
    "country": "shipping address country",
}
_CONTACT_FIELDS = ("name", "email", "phone", "role")


def get_customer(db: Database, *, query: str) -> CustomerView:
    """Exact code, else the clearly best name match. Raises CustomerNotFound (or its
    subclass CustomerUnclear, which lists close candidates)."""
    text = " ".join(query.split())
    if not text:
        raise CustomerNotFound(query)
    with db.read() as session:
        customer = load_customer(session, text)
        if customer is not None:
            return customer_view(session, customer)
    matches = find_customers(db, query=text, limit=5)
    best = matches[0] if matches else None
    if best and best.score >= MATCH_THRESHOLD and not _tied(matches):
        with db.read() as session:
            return customer_view(session, load_customer(session, best.code))
    if matches:
        raise CustomerUnclear(text, [(m.code, m.name) for m in matches])
    raise CustomerNotFound(text)


def _tied(matches) -> bool:
    """Two customers scoring the same at the top (even with one name): don't guess."""
    return len(matches) > 1 and matches[1].score >= matches[0].score


def edit_customer(db: Database, *, code: str, actor: str, expected_version: str,
                  email=UNSET, phone=UNSET, contact: ContactView | None = None,
                  address: AddressView | None = None,
                  notices: Collection[str] | None = None, language=UNSET) -> CustomerView:
    """Change email / phone (UNSET leaves them, None or "" clears), the primary contact and
    the default shipping address, the automatic notices it gets (`notices`: the names in
    NOTICES that are on; None leaves them) and its mail's language (CUSTOMER_LANGUAGES; None:
    the workspace default; UNSET leaves it). `expected_version` is CustomerView.version from
    when the form opened; if the details changed since, StaleEdit and nothing is written."""
    with db.write() as session:
        customer = load_customer(session, code)
        if customer is None:
            raise CustomerNotFound(code)
        if content_version(customer) != expected_version:
            raise StaleEdit(f"Customer {customer.code}",
                            _changes_since(session, customer.id, expected_version))
        errors: dict[str, str] = {}
        changes = _own_fields(customer, email, phone, errors)
        if contact is not None:
            changes += _contact(customer, contact, errors)
        if address is not None:
            changes += _address(customer, address, errors)
        if notices is not None:
            changes += _notices(customer, notices)
        if language is not UNSET:
            changes += _language(customer, language, errors)
        if errors:
            raise ValidationFailed(errors)
        if changes:
            fields = ", ".join(dict.fromkeys(c[0] for c in changes))
            session.add(Event(
                actor_id=actor, kind=CUSTOMER_EDITED, customer_id=customer.id, at=clock.now(),
                summary=f"edited {customer.code}: {fields}"[:300],
                changes=[{"field": f, "before": b or "", "after": a or "",
                          "version_before": expected_version} for f, b, a in changes],
            ))
            session.flush()
        return customer_view(session, customer)


def _own_fields(customer, email, phone, errors: dict) -> list[tuple]:
    changes = []
    if email is not UNSET:
        value = (email or "").strip() or None
        if problem := too_long(value, "email", "The email address"):
            errors["email"] = problem
        elif value and not _EMAIL.match(value):
            errors["email"] = f"'{value}' doesn't look like an email address (name@example.com)."
        elif value != customer.email:
            changes.append(("email", customer.email, value))
            customer.email, customer.bad_email = value, False  # a new address, not bounced
    if phone is not UNSET:
        value = (phone or "").strip() or None
        if problem := too_long(value, "phone", "The phone number"):
            errors["phone"] = problem
        elif value and not _PHONE.match(value):
            errors["phone"] = (f"'{value}' doesn't look like a phone number; use digits, "
                               "spaces and + ( ) - only.")
        elif value != customer.phone:
            changes.append(("phone", customer.phone, value))
            customer.phone = value
    return changes


def _notices(customer, notices: Collection[str]) -> list[tuple]:
    before = [n for n in NOTICES if getattr(customer, f"notice_{n}")]
    after = [n for n in NOTICES if n in set(notices)]
    for name in NOTICES:
        setattr(customer, f"notice_{name}", name in after)
    return [] if before == after else [("notices", ", ".join(before), ", ".join(after))]


def _language(customer, language: str | None, errors: dict) -> list[tuple]:
    if language is not None and language not in CUSTOMER_LANGUAGES:
        errors["language"] = f"Pick one of {', '.join(CUSTOMER_LANGUAGES)}, or the default."
        return []
    if language == customer.language:
        return []
    before, customer.language = customer.language, language
    return [("language", before, language)]


def _contact(customer, contact: ContactView, errors: dict) -> list[tuple]:
    values = {f: (getattr(contact, f) or "").strip() or None for f in _CONTACT_FIELDS}
    if not values["name"]:
        errors["contact.name"] = "Enter the contact's name."
    if values["email"] and not _EMAIL.match(values["email"]):
        errors["contact.email"] = (f"'{values['email']}' doesn't look like an email address "
                                   "(name@example.com).")
    if values["phone"] and not _PHONE.match(values["phone"]):
        errors["contact.phone"] = f"'{values['phone']}' doesn't look like a phone number."
    for field, limit in (("name", "contact_name"), ("role", "contact_role"), ("email", "email"),
                         ("phone", "phone")):
        if problem := too_long(values[field], limit, f"The contact's {field}"):
            errors[f"contact.{field}"] = problem
    if any(k.startswith("contact.") for k in errors):
        return []
    row = primary_contact(customer)
    if row is None:
        row = CustomerContact(name=values["name"])
        customer.contacts.append(row)
        before = dict.fromkeys(_CONTACT_FIELDS)
    else:
        before = {f: getattr(row, f) for f in _CONTACT_FIELDS}
    changes = []
    for f in _CONTACT_FIELDS:
        if values[f] != before[f]:
            changes.append((f"contact {f}", before[f], values[f]))
            setattr(row, f, values[f])
    return changes


def _address(customer, address: AddressView, errors: dict) -> list[tuple]:
    values = clean_address(address)
    problems = address_problems(values, "address")
    if problems:
        errors.update(problems)
        return []
    row = default_shipping(customer)
    if row is None:
        row = CustomerAddress(kind=AddressKind.SHIPPING, is_default=True)
        customer.addresses.append(row)
    changes = []
    for f in ADDRESS_FIELDS:
        if values[f] != getattr(row, f):
            changes.append((_ADDRESS_LABELS[f], getattr(row, f), values[f]))
            setattr(row, f, values[f])
    return changes


def _changes_since(session: Session, customer_id: int, expected_version: str) -> list[str]:
    """Field changes logged after the form opened (its version), oldest first."""
    events = session.scalars(
        select(Event).where(Event.customer_id == customer_id, Event.kind == CUSTOMER_EDITED)
        .order_by(Event.id.desc()).limit(20)
    )
    items: list[str] = []
    for event in events:
        entries = [c for c in (event.changes or []) if isinstance(c, dict)]
        items[:0] = [f"{c.get('field')}: {c.get('before') or '—'} → {c.get('after') or '—'}"
                     for c in entries]
        if any(c.get("version_before") == expected_version for c in entries):
            return items
    return []  # changed by something that logs no versions (an import): no details to give
