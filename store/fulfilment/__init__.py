"""From order to doorstep and back: allocation (stock reserved), the warehouse's pick
request, shipments, manager approvals, cancels, returns and refunds, stock levels.
"""

from __future__ import annotations

from store.fulfilment.allocation import (
    allocate,
    allocate_ready,
    flag_late_orders,
    release_reservation,
)
from store.fulfilment.approvals import (
    decide,
    gate_price_change,
    get_approval,
    get_approval_post,
    post_unrouted,
)
from store.fulfilment.cancel import cancel_order, check_cancel, get_cancel_notice
from store.fulfilment.delivery import (
    STATUSES as TRACKING_STATUSES,
)
from store.fulfilment.delivery import (
    TrackingResult,
    TrackingUpdate,
    record_tracking,
)
from store.fulfilment.pick import (
    get_pick_post,
    mark_packed,
    mark_picked,
    refresh_pick,
    tell_warehouse_ship_to,
)
from store.fulfilment.returns import ReturnLineRequest, create_return, return_form
from store.fulfilment.rules import RULES
from store.fulfilment.shipments import (
    ShipRequest,
    settle_edited_lines,
    ship_form,
    ship_order,
)
from store.fulfilment.stock import get_stock

__all__ = [
    "TRACKING_STATUSES",
    "TrackingResult",
    "TrackingUpdate",
    "record_tracking",
    "RULES",
    "ReturnLineRequest",
    "ShipRequest",
    "allocate",
    "allocate_ready",
    "cancel_order",
    "check_cancel",
    "create_return",
    "decide",
    "flag_late_orders",
    "gate_price_change",
    "get_approval",
    "get_approval_post",
    "get_cancel_notice",
    "get_pick_post",
    "get_stock",
    "mark_packed",
    "mark_picked",
    "refresh_pick",
    "post_unrouted",
    "release_reservation",
    "return_form",
    "settle_edited_lines",
    "tell_warehouse_ship_to",
    "ship_form",
    "ship_order",
]
