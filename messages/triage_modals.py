"""Triage modals: resolve a discrepancy, flag an order, enter a new order (with the options
its external selects show), and what each modal remembers between open and submit."""

from __future__ import annotations

from dataclasses import dataclass

from messages import i18n
from messages.actions import NewOrderIds, TriageActions
from messages.blocks import FlagBlocks, NewOrderBlocks, ResolveBlocks
from messages.findings import reason_choices
from messages.i18n import N_, _
from messages.metadata import Metadata
from messages.render import render
from messages.text import money, mrkdwn
from messages.triage import headline
from store.views.orders import ADDRESS_MAX_LENGTH

NEW_ORDER_LINES = 5  # lines the modal opens with; "Add lines" adds this many more
MAX_NEW_ORDER_LINES = 25  # 3 inputs a line + 13 other blocks: under Slack's 100
SHIP_TO_FIELDS = (("name", N_("Ship to: name")), ("line1", N_("Ship to: street address")),
                  ("line2", N_("Ship to: address line 2")), ("city", N_("Ship to: city")),
                  ("region", N_("Ship to: region / state")),
                  ("postal_code", N_("Ship to: postal code")),
                  ("country", N_("Ship to: country (2 letters)")))


@dataclass(frozen=True)
class ModalMetadata(Metadata):
    """private_metadata of the triage modals: the item or order, and where to confirm."""

    discrepancy_id: int | None = None
    channel_id: str | None = None
    lines: int | None = None  # the New order modal: how many line inputs it shows


def resolve_modal(d, *, reasons: list[tuple[str, str]], channel_id: str | None) -> dict:
    return render("triage_resolve_modal.json.j2", ids=TriageActions, blocks=ResolveBlocks,
                  headline=headline(d), reasons=reason_choices(reasons),
                  metadata=ModalMetadata(d.id, channel_id).dumps())


def flag_modal(*, ref: str | None, reason: str | None, channel_id: str | None) -> dict:
    return render("triage_flag_modal.json.j2", ids=TriageActions, blocks=FlagBlocks,
                  title=_("Flag %(ref)s") % {"ref": ref} if ref and len(ref) <= 19
                  else _("Flag an order"),
                  ref=ref, reason=reason, metadata=ModalMetadata(None, channel_id).dumps())


def new_order_modal(*, channel_id: str | None, lines: int = NEW_ORDER_LINES) -> dict:
    """Customer, PO, dates, the ship-to (empty: the customer's address on file), shipping
    charge, notes, and `lines` lines, with "Add lines" while under MAX_NEW_ORDER_LINES."""
    lines = max(1, min(lines, MAX_NEW_ORDER_LINES))
    return render("new_order_modal.json.j2", ids=NewOrderIds, blocks=NewOrderBlocks,
                  lines=list(range(1, lines + 1)),
                  ship_fields=[(field, _(text), ADDRESS_MAX_LENGTH[field])
                               for field, text in SHIP_TO_FIELDS],
                  can_add=lines < MAX_NEW_ORDER_LINES,
                  # Written as the reader types figures (es_ES 9,95; es_MX 9.95).
                  shipping_example=i18n.typed_amount("9.95"),
                  metadata=ModalMetadata(None, channel_id, lines).dumps())


def customer_options(matches) -> dict:
    return render("new_order_options.json.j2",
                  options=[(m.code, f"{m.name} ({m.code})") for m in matches])


def product_options(matches) -> dict:
    return render("new_order_options.json.j2", options=[
        (m.sku, f"{m.sku} · {m.name}" + ("" if m.active else " " + _("(discontinued)")))
        for m in matches if m.active])


def created_text(order) -> str:
    """mrkdwn for the confirmation of an order entered in the modal."""
    problems = (" · " + _("%(n)s problem(s) sent to triage") % {
        "n": len(order.open_discrepancies)} if order.open_discrepancies else "")
    return _("Created *%(ref)s* for %(customer)s: %(total)s") % {
        "ref": mrkdwn(order.ref, 64), "customer": mrkdwn(order.customer_name, 200),
        "total": money(order.total_minor, order.currency)} + problems
