"""Orders: read one, edit it (version-checked, logged; the checks re-run and followers
are told in the same transaction), take new ones in (intake, the New order modal), apply a
finding's known fix, read its history; what a person's App Home shows (home_for).
"""

from __future__ import annotations

from store.orders.edit import EditResult, OrderEdit
from store.orders.fixes import apply_fix
from store.orders.history import order_history
from store.orders.home import home_for
from store.orders.intake import IntakeResult, create_order, intake_order
from store.orders.lines import LineEdit
from store.orders.mentions import orders_named_in
from store.orders.operations import edit_order, get_order, record_posted_card

__all__ = [
    "EditResult",
    "IntakeResult",
    "LineEdit",
    "OrderEdit",
    "apply_fix",
    "create_order",
    "edit_order",
    "get_order",
    "home_for",
    "orders_named_in",
    "intake_order",
    "order_history",
    "record_posted_card",
]
