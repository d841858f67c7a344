"""Who may see what of an order: the one policy every surface asks (issue 16, part 3).

    viewer = Viewer(user_id="U0SALES2", role=Role.SALES, policy="status")
    sight(viewer, owner_id=order.account_rep_id, customer_id=order.customer_id)  # -> STATUS

FULL: everything. STATUS: status, dates, the kinds of holds and problems, the carrier; no
prices, lines, addresses, notes, credit, tracking numbers, problem titles or history.
CUSTOMER (customer-safe): status, dates, carrier and tracking; nothing internal (no holds,
problems, notes, prices, lines, addresses, reps). NOTHING: not even that the order exists.

The desk (processors, managers, admins) sees everything. A sales rep sees their own accounts in
full and other reps' per ORDERDESK_REP_VISIBILITY ("full" or "status"). Outsiders (guests,
people of another organisation: role None) see nothing, except in a channel linked to their
account (store.workspace.connections), where they see that account's orders customer-safe.
Whatever is posted into a channel shared with another organisation is customer-safe and only
about the account linked to it, whoever asked. The cut_* functions turn a full view into what
a sight allows; a renderer draws whatever it is handed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from store.enums import Role
from store.errors import OrderNotFound
from store.views.orders import AddressView, Candidate, CustomerView, OrderView, ShipmentView

FULL, STATUS, CUSTOMER, NOTHING = "full", "status", "customer", "nothing"
SIGHTS = (FULL, STATUS, CUSTOMER, NOTHING)
_RANK = {NOTHING: 0, CUSTOMER: 1, STATUS: 2, FULL: 3}


@dataclass(frozen=True)
class Viewer:
    """Who will read an answer. `role` None: an outsider (a guest, another organisation's
    user). `policy`: ORDERDESK_REP_VISIBILITY. `account_id`: the customer the channel is
    linked to. `shared`: the answer is posted where another organisation reads it."""

    user_id: str
    role: Role | str | None
    policy: str = STATUS
    account_id: int | None = None
    shared: bool = False

    @property
    def is_outsider(self) -> bool:
        return self.role is None

    @property
    def is_desk(self) -> bool:
        return self.role is not None and Role(self.role) != Role.SALES


def sight(viewer: Viewer, *, owner_id: str | None, customer_id: int | None = None) -> str:
    """What `viewer` may see of an order (or account) whose rep is `owner_id`."""
    if viewer.is_outsider or viewer.shared:
        linked = viewer.account_id is not None and customer_id == viewer.account_id
        return CUSTOMER if linked else NOTHING
    if viewer.is_desk or viewer.policy == FULL:
        return FULL
    if owner_id is not None and owner_id == viewer.user_id:
        return FULL
    return STATUS


def narrower(a: str, b: str) -> str:
    """The less revealing of two sights (a card shared by one person, read by a channel)."""
    return a if _RANK[a] <= _RANK[b] else b


def order_sight(viewer: Viewer, order: OrderView) -> str:
    return sight(viewer, owner_id=order.account_rep_id, customer_id=order.customer_id)


def cut_order(order: OrderView, seen: str) -> OrderView | None:
    """The card `seen` allows: None for NOTHING; STATUS keeps what a status answer says;
    CUSTOMER what the customer may read (tracking, but nothing internal)."""
    if seen == FULL:
        return order
    if seen == NOTHING:
        return None
    cut = replace(
        order, sight=STATUS, lines=(), subtotal_minor=0, shipping_minor=0, total_minor=0,
        ship_to=AddressView(), shipping_instructions=None, notes=None,
        holds=tuple(replace(h, note=None) for h in order.holds),
        shipments=tuple(_carrier_only(s) for s in order.shipments),
        open_discrepancies=tuple(replace(d, title="") for d in order.open_discrepancies),
        recent_events=(), allowed_transitions=(), owed=(),
    )
    if seen == CUSTOMER:
        cut = replace(cut, sight=CUSTOMER, holds=(), open_discrepancies=(),
                      shipments=order.shipments, sales_rep_id=None, account_rep_id=None)
    return cut


def seen_order(viewer: Viewer, order: OrderView) -> OrderView:
    """The order as `viewer` may see it; OrderNotFound when they may not see it at all (the
    same answer as for an order that does not exist)."""
    shown = cut_order(order, order_sight(viewer, order))
    if shown is None:
        raise OrderNotFound(order.ref)
    return shown


def _carrier_only(shipment: ShipmentView) -> ShipmentView:
    return replace(shipment, tracking_number=None, tracking_url=None)


def cut_candidates(viewer: Viewer, candidates: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
    """Candidates keep ref, customer, dates and status; totals and PO only in full sight."""
    out = []
    for c in candidates:
        seen = sight(viewer, owner_id=c.account_rep_id, customer_id=c.customer_id)
        if seen == NOTHING:
            continue
        out.append(c if seen == FULL else replace(c, total_minor=None, po_number=None,
                                                  sight=seen))
    return tuple(out)


def cut_customer(viewer: Viewer, customer: CustomerView) -> CustomerView | None:
    """A customer record: STATUS keeps the name, code, rep and open orders' status. The record
    is the desk's (credit, contacts, notices): a customer's own people get none of it."""
    seen = sight(viewer, owner_id=customer.sales_rep_id, customer_id=customer.id)
    if seen == FULL:
        return customer
    if seen in (NOTHING, CUSTOMER):
        return None
    return replace(
        customer, sight=seen, email=None, phone=None, credit_limit_minor=None,
        credit_used_minor=0, contacts=(), addresses=(), default_shipping=None,
        open_orders=tuple(replace(c, total_minor=None, po_number=None, sight=seen)
                          for c in customer.open_orders),
    )
