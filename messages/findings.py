"""A discrepancy's problem text (title, expected, found, fix label, resolution reason) in the
reader's language, worded from the finding's kind and figures (store.triage.findings keeps them
as `words` beside its English). English readers, and items without the figures (opened before
they were kept, people's flags, the carrier's), read the store's English as it is."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from messages import i18n
from messages.i18n import N_, _, ngettext
from messages.text import label, money

# Resolution reasons as store.triage.rules names them, translated where they are shown.
REASONS = {
    "fixed": N_("Fixed on the order"), "accepted": N_("Accepted as it is"),
    "customer_confirmed": N_("Confirmed with the customer"), "canceled": N_("Order canceled"),
    "duplicate": N_("Duplicate, handled on the other order"), "false_alarm": N_("False alarm"),
    "other": N_("Other"), "no_longer_found": N_("No longer found on the order"),
}
# Address parts as store.triage.findings.ADDRESS_WORDS says them.
ADDRESS_PARTS = {"line1": N_("street address"), "line2": N_("second address line"),
                 "postal_code": N_("postal code"), "name": N_("recipient"),
                 "city": N_("city"), "country": N_("country")}


def worded(d):
    """The discrepancy view with its texts in the reader's language (itself in English)."""
    if i18n.language() == i18n.ENGLISH:
        return d
    reason = REASONS.get(d.resolution_reason or "")
    d = replace(d, resolution_label=_(reason)) if reason and d.resolution_label else d
    words = d.words or {}
    texts = _WORDERS.get(words.get("kind"))
    if texts is None:
        return d
    try:
        title, expected, found, fix = texts(words)
    except (KeyError, TypeError, ValueError):
        return d  # figures of another shape: the English is still right
    return replace(d, title=title, expected=expected, found=found,
                   fix_label=fix if d.fix_label and fix else d.fix_label)


def worded_title(words: dict | None, title: str) -> str:
    """A finding's title in the reader's language from its words; else the store's English."""
    texts = _WORDERS.get((words or {}).get("kind"))
    if i18n.language() == i18n.ENGLISH or texts is None:
        return title
    try:
        return texts(words)[0]
    except (KeyError, TypeError, ValueError):
        return title


def note_detail(kind: str, detail: str, d) -> str:
    """The detail of an "updated: …" or "resolved: …" thread note in the reader's language. The
    event keeps the store's English: an update is worded from the item when it still reads so
    (title and found as they are now); a resolution's reason is translated, people's note not."""
    if i18n.language() == i18n.ENGLISH:
        return detail
    if kind == "triage.updated" and d.words and detail == f"{d.title} ({d.found})":
        shown = worded(d)
        return f"{shown.title} ({shown.found})"
    if kind == "triage.resolved":
        for reason in REASONS.values():
            if detail == reason or detail.startswith(reason + " — "):
                return _(reason) + detail[len(reason):]
    return detail


def reason_choices(reasons: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The Resolve modal's (value, label) choices in the reader's language."""
    if i18n.language() == i18n.ENGLISH:
        return reasons
    return [(value, _(REASONS[value]) if value in REASONS else text) for value, text in reasons]


def _day(iso: str) -> str:
    return i18n.short_day(date.fromisoformat(iso))


def _line(w) -> str:
    return _("Line {n}: {sku}").format(n=w["line_no"], sku=w["sku"])


def _unknown_sku(w):
    return (_("Line {n}: SKU {sku} is not in the catalog").format(n=w["line_no"], sku=w["sku"]),
            _("a SKU from the catalog"), w["sku"], None)


def _inactive_sku(w):
    return (_("Line {n}: {sku} is discontinued").format(n=w["line_no"], sku=w["sku"]),
            _("an active product"), _("{sku} (discontinued)").format(sku=w["sku"]), None)


def _price(w):
    m = lambda v: money(v, w["currency"])
    source = _("customer price") if w["source"] == "customer" else _("catalog price")
    return (_("Line {n}: {sku} at {price}, {source} {expected}").format(
                n=w["line_no"], sku=w["sku"], price=m(w["price_minor"]), source=source,
                expected=m(w["expected_minor"])),
            f"{m(w['expected_minor'])} ({source})", m(w["price_minor"]),
            _("Re-price to {price}").format(price=m(w["expected_minor"])))


def _stock(w):
    wanted, available = w["wanted"], w["available"]
    return (_("{sku}: {wanted} ordered, {available} available").format(
                sku=w["sku"], wanted=i18n.count_text(wanted),
                available=i18n.count_text(available)),
            _("at most {n} available").format(n=i18n.count_text(available)),
            _("{n} to ship").format(n=i18n.count_text(wanted)),
            _("Ship {available}, backorder {rest}").format(
                available=i18n.count_text(available), rest=i18n.count_text(wanted - available)))


def _address_missing(w):
    parts = ", ".join(_(ADDRESS_PARTS[p]) if p in ADDRESS_PARTS else p.replace("_", " ")
                      for p in w["missing"])
    return (_("Ship-to is missing {parts}").format(parts=parts), _("a complete address"),
            _("no {parts}").format(parts=parts), _("Use the address on file"))


def _address_postal(w):
    country = i18n.country_name(w["country"])
    return (_("Postal code {postal} doesn't fit {country}").format(
                postal=w["postal"], country=country),
            _("a {country} postal code").format(country=country), w["postal"],
            _("Use the address on file"))


def _payment_failed(w):
    return _("Payment failed"), _("payment authorized or captured"), _("failed"), None


def _payment_awaiting(w):
    return (ngettext("Payment awaited for {n} day", "Payment awaited for {n} days",
                     w["days"]).format(n=w["days"]),
            ngettext("paid within {n} day", "paid within {n} days",
                     w["limit_days"]).format(n=w["limit_days"]),
            _("awaiting since {day}").format(day=_day(w["since"])), None)


def _duplicate_po(w):
    return (_("Same PO {po} as {ref}").format(po=w["po"], ref=w["other_ref"]),
            _("a new PO number"),
            _("PO {po} already on {ref}").format(po=w["po"], ref=w["other_ref"]), None)


def _duplicate_lines(w):
    hours = w["hours"]
    gap = (_("{n} h").format(n=hours) if hours < 48 else
           ngettext("{n} day", "{n} days", round(hours / 24)).format(n=round(hours / 24)))
    return (_("Same lines as {ref}, {gap} apart").format(ref=w["other_ref"], gap=gap),
            _("different lines, or orders further apart"),
            _("same lines as {ref}").format(ref=w["other_ref"]), None)


def _credit(w):
    m = lambda v: money(v, w["currency"])
    return (_("{code} is {amount} over its credit limit").format(
                code=w["code"], amount=m(w["over_minor"])),
            _("at most {amount} unpaid").format(amount=m(w["limit_minor"])),
            _("{amount} unpaid with this order").format(amount=m(w["unpaid_minor"])), None)


def _late(w):
    return (_("Requested for {requested}, earliest ship {earliest}").format(
                requested=_day(w["requested"]), earliest=_day(w["earliest"])),
            _("on or after {day}").format(day=_day(w["earliest"])), _day(w["requested"]), None)


def _usual(bounds, show) -> str:
    return "–".join(show(v) for v in bounds)


def _unusual_quantity(w):
    usual = _usual(w["usual"], lambda v: i18n.number(v, 0 if float(v).is_integer() else 1))
    return (_("{line} usually {usual}, this order {n}").format(
                line=_line(w), usual=usual, n=i18n.count_text(w["quantity"])),
            ngettext("usually {usual} (median of {n} order)",
                     "usually {usual} (median of {n} orders)", w["sample"]).format(
                usual=usual, n=i18n.count_text(w["sample"])),
            i18n.count_text(w["quantity"]), None)


def _unusual_price(w):
    m = lambda v: money(v, w["currency"])
    usual = _usual(w["usual"], m)
    return (_("{line} usually {usual} each, this order {price}").format(
                line=_line(w), usual=usual, price=m(w["price_minor"])),
            ngettext("usually {usual} (median of {n} order)",
                     "usually {usual} (median of {n} orders)", w["sample"]).format(
                usual=usual, n=i18n.count_text(w["sample"])),
            m(w["price_minor"]), None)


def _unusual_first(w):
    m = lambda v: money(v, w["currency"])
    first = _("First order of this customer: {total}, a typical first order is {typical}")
    return (first.format(
                total=m(w["total_minor"]), typical=m(w["typical_minor"])),
            ngettext("about {typical} (the median of {n} first order)",
                     "about {typical} (the median of {n} first orders)", w["sample"]).format(
                typical=m(w["typical_minor"]), n=i18n.count_text(w["sample"])),
            m(w["total_minor"]), None)


def _unusual_ship_to(w):
    return (_("{total} to a new address ({where})").format(
                total=money(w["total_minor"], w["currency"]), where=w["where"]),
            ngettext("one of the {n} addresses used on {orders} earlier order",
                     "one of the {n} addresses used on {orders} earlier orders",
                     w["orders"]).format(n=i18n.count_text(w["addresses"]),
                                         orders=i18n.count_text(w["orders"])),
            _("{where}, first time").format(where=w["where"]), None)


def _late_sweep(w):
    promised = _day(w["promised"])
    return (_("{ref} was promised for {day} and has not shipped").format(ref=w["ref"],
                                                                         day=promised),
            _("shipped by {day}").format(day=promised),
            _("{stage} on {day}").format(stage=label(w["stage"]).lower(), day=_day(w["on"])),
            None)


# A carrier's exceptions (store.fulfilment.delivery.EXCEPTIONS): title and found words.
_EXCEPTIONS = {
    "failure": (N_("{ref}: shipment {number} could not be delivered"), N_("delivery failure")),
    "return_to_sender": (N_("{ref}: shipment {number} is going back to sender"),
                         N_("return to sender")),
}


def _delivery_exception(w):
    title, found = _EXCEPTIONS[w["status"]]
    said = f": {w['message']}" if w["message"] else ""  # the carrier's own words, as they are
    return (_(title).format(ref=w["ref"], number=w["tracking"]), _("delivered"),
            _(found) + said, None)


def _bounced_mail(w):
    return (_("{ref}: mail to {address} bounced").format(ref=w["ref"], address=w["address"]),
            _("a working customer email"),
            _("{address} bounced: {subject}").format(address=w["address"],
                                                     subject=w["subject"])[:300], None)


_WORDERS = {
    "unknown_sku": _unknown_sku, "inactive_sku": _inactive_sku,
    "price_under": _price, "price_over": _price,
    "insufficient_stock": _stock, "no_stock": _stock,
    "address_missing": _address_missing, "address_postal_code": _address_postal,
    "payment_failed": _payment_failed, "payment_awaiting": _payment_awaiting,
    "duplicate_po": _duplicate_po, "duplicate_lines": _duplicate_lines,
    "credit_limit": _credit, "late": _late,
    "unusual_quantity": _unusual_quantity, "unusual_quantity_10x": _unusual_quantity,
    "unusual_price": _unusual_price, "unusual_first_order": _unusual_first,
    "unusual_ship_to": _unusual_ship_to,
    "late_sweep": _late_sweep, "delivery_exception": _delivery_exception,
    "bounced_mail": _bounced_mail,
}
