"""Customer and stock messages: the customer card and editor, SKU availability."""

from __future__ import annotations

from dataclasses import dataclass

from messages import i18n
from messages.actions import CustomerActions, OrderActions, StockActions
from messages.blocks import CustomerBlocks
from messages.i18n import _
from messages.metadata import Metadata
from messages.orders import actor, address_text
from messages.render import render
from messages.text import day, label, money, mrkdwn
from store.views.orders import AddressView


@dataclass(frozen=True)
class CustomerMetadata(Metadata):
    """What the customer editor remembers: whom, the version (a hash of the editable fields)
    it showed, where to confirm."""

    code: str
    version: str
    channel_id: str | None = None


def customer_card(customer) -> dict:
    """The customer record; cut to status (store.workspace.visibility), no contact details,
    credit, address or order totals."""
    status_only = customer.sight == "status"
    limit = customer.credit_limit_minor
    used = money(customer.credit_used_minor, customer.currency)
    credit = (_("%(used)s used of %(limit)s") % {"used": used,
                                                 "limit": money(limit, customer.currency)}
              + (" :warning: *" + _("over limit") + "*"
                 if customer.credit_used_minor > limit else "")
              # No limit is no terms: its orders go to the warehouse only once paid.
              if limit is not None else _("%(used)s unpaid · no credit terms (pays first)")
              % {"used": used})
    contacts = "\n".join(
        " · ".join(mrkdwn(part, 200) for part in (c.name, c.role, c.email, c.phone) if part)
        for c in customer.contacts[:5])
    orders = [{"ref": o.ref, "text": (f"*{mrkdwn(o.ref)}* · {day(o.ordered_at)} · "
                                      f"{label(o.status)} · {label(o.fulfilment_status)}"
                                      + ("" if o.total_minor is None
                                         else f" · {money(o.total_minor, o.currency)}"))}
              for o in customer.open_orders[:10]]
    if status_only:
        credit = "_" + _("for the account's rep and the desk") + "_"
    return render("customer_card.json.j2", customer=customer, ids=CustomerActions,
                  order_ids=OrderActions, credit=credit, contacts=contacts, orders=orders,
                  owner=actor(customer.sales_rep_id) if customer.sales_rep_id else "—",
                  address=address_text(customer.default_shipping), status_only=status_only,
                  language=(i18n.language_name(customer.language) if customer.language
                            else _("Workspace default")))


def customer_edit_modal(customer, *, channel_id: str | None) -> dict:
    metadata = CustomerMetadata(code=customer.code, version=customer.version,
                                channel_id=channel_id).dumps()
    return render("customer_edit_modal.json.j2", customer=customer, ids=CustomerActions,
                  blocks=CustomerBlocks,
                  metadata=metadata, contact=customer.contacts[0] if customer.contacts else None,
                  address=customer.default_shipping or AddressView(),
                  languages=[(code, i18n.language_name(code)) for code in i18n.LANGUAGES])


def stock_card(stock) -> dict:
    rows = [f"`{mrkdwn(r.warehouse_code, 32)}` {mrkdwn(r.warehouse_name, 80)}: "
            + _("%(on_hand)s on hand · %(reserved)s reserved · *%(available)s available*") % {
                "on_hand": i18n.number(r.on_hand), "reserved": i18n.number(r.reserved),
                "available": i18n.number(r.available)}
            for r in stock.warehouses]
    rows.append("*" + _("All warehouses: %(on_hand)s on hand · %(reserved)s reserved · "
                        "%(available)s available") % {
        "on_hand": i18n.number(stock.total_on_hand), "reserved": i18n.number(stock.total_reserved),
        "available": i18n.number(stock.total_available)} + "*")
    return render("stock_card.json.j2", stock=stock, table="\n".join(rows))


def product_candidates(query: str, matches) -> dict:
    if matches:
        intro = _("No SKU `%(query)s`. Did you mean:") % {"query": mrkdwn(query, 100)}
    else:
        intro = ":mag: " + _("Nothing matches `%(query)s`. Try a SKU or words from the product "
                             "name.") % {"query": mrkdwn(query, 100)}
    rows = [{"sku": m.sku, "text": f"`{mrkdwn(m.sku, 64)}` {mrkdwn(m.name, 150)}"
             + ("" if m.active else " _" + _("(inactive)") + "_")} for m in matches[:10]]
    return render("product_candidates.json.j2", query=query, intro=intro, rows=rows,
                  ids=StockActions)
