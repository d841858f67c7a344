"""Which order-status changes a person may make, in one place."""

from __future__ import annotations

from store.enums import FulfilmentStatus, OrderStatus

TRANSITIONS: dict[OrderStatus, tuple[OrderStatus, ...]] = {
    OrderStatus.DRAFT: (OrderStatus.OPEN, OrderStatus.CANCELED),
    OrderStatus.OPEN: (OrderStatus.COMPLETED, OrderStatus.CANCELED),
    OrderStatus.COMPLETED: (),
    OrderStatus.CANCELED: (),
}

# Goods have left the building: canceling would hide a shipment; a return is the way back.
SHIPPED_STATES = frozenset({
    FulfilmentStatus.PARTIALLY_SHIPPED, FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED,
    FulfilmentStatus.PARTIALLY_RETURNED, FulfilmentStatus.RETURNED,
})

# Every unit has left: the ship-to address is history, not something to edit.
ALL_SHIPPED = SHIPPED_STATES - {FulfilmentStatus.PARTIALLY_SHIPPED}

# What a person may record about payment in the editor; refunds come from returns.
PAYMENT_CHOICES = ("awaiting", "authorized", "captured", "failed")

# Orders in these states can no longer be edited (address, lines, dates).
CLOSED_STATES = frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELED})


def edit_transitions(status: str, fulfilment_status: str) -> tuple[str, ...]:
    """What the order editor offers: canceling has its own flow (`/order cancel`), which asks
    why, tells the warehouse not to pick and settles waiting approvals."""
    return tuple(target for target in allowed_transitions(status, fulfilment_status)
                 if target != OrderStatus.CANCELED.value)


def allowed_transitions(status: str, fulfilment_status: str) -> tuple[str, ...]:
    """Order-status values reachable from here, leaving out the ones that would be refused."""
    return tuple(
        target.value
        for target in TRANSITIONS[OrderStatus(status)]
        if transition_problem(status, fulfilment_status, target) is None
    )


def transition_problem(status: str, fulfilment_status: str, target: str) -> str | None:
    """Why `status -> target` is refused, as a sentence; None when it is allowed."""
    try:
        current, wanted = OrderStatus(status), OrderStatus(target)
    except ValueError:
        names = ", ".join(s.value for s in OrderStatus)
        return f"'{target}' is not an order status; use one of: {names}."
    if wanted == current:
        return f"The order is already {current.value}."
    allowed = TRANSITIONS[current]
    if wanted not in allowed:
        if not allowed:
            return f"A {current.value} order can't change status any more."
        options = " or ".join(s.value for s in allowed)
        return f"A {current.value} order can only become {options}, not {wanted.value}."
    if wanted == OrderStatus.COMPLETED and FulfilmentStatus(fulfilment_status) not in \
            SHIPPED_STATES:
        return ("Nothing has shipped yet, so the order can't be completed; ship it, or cancel "
                "it if it won't ship.")
    if wanted == OrderStatus.CANCELED and FulfilmentStatus(fulfilment_status) in SHIPPED_STATES:
        shown = FulfilmentStatus(fulfilment_status).value.replace("_", " ")
        return (f"Goods have already left ({shown}), so the order can't be canceled. "
                "Start a return for what was shipped instead.")
    return None
