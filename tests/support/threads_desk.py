"""The threads desk: the small desk (tests/support/desk.py) plus more customers,
orders, holds, problems and shipments spread around a fixed NOW, and account owners.

NOW is Wednesday 25 Nov 2026, 15:00 UTC: "yesterday" is Tue 24 Nov, "last week" Mon 16 -
Sun 22 Nov, "since Monday" from Mon 23 Nov, "in October" October 2026.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from bench.app_stack import Stack
from bot.config import Settings
from bot.console import DEMO_ADMIN as ADMIN
from bot.console import DEMO_ROLES, start_stack
from store.enums import (
    DiscrepancyType,
    FulfilmentStatus,
    HoldReason,
    OrderStatus,
    Severity,
)
from store.models import Customer, Discrepancy, Order, OrderHold, Shipment
from store.workspace.roles import set_role
from tests.support.desk import add_order, build

# A narrative calendar (named weekdays and months): pinned, so every test using it must
# request frozen_clock (tstack does) and never reads TEST_NOW.
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
SALES1, SALES2 = "U0SALES1", "U0SALES2"
OWNERS = {"ACME": SALES1, "BETA": SALES1, "GLOBEX": SALES2}
MORE_CUSTOMERS = (  # code, name, owner
    ("INITECH", "Initech", SALES2),
    ("STARKI", "Stark Industries", None),
    ("STARKS", "Stark Industrial Supply", None),
    ("UMBRELLA", "Umbrella Corporation", None),
    ("WAYNE", "Wayne Enterprises", SALES1),
)
P = {"WID": ("WID-1042-BL", 1250), "GIZ": ("GIZ-2001-RD", 4500), "BRK": ("BRK-3003-SS", 650)}


def on(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# ref, customer, ordered, fulfilment, status, po, requested, promised, shipment
# shipment: (carrier, service, tracking, shipped, delivered)
MORE_ORDERS = (
    ("SO-1050", "GLOBEX", on(11, 10), FulfilmentStatus.UNFULFILLED, OrderStatus.OPEN, None,
     date(2026, 11, 16), date(2026, 11, 18), None),
    ("SO-1051", "GLOBEX", on(11, 12), FulfilmentStatus.DELIVERED, OrderStatus.OPEN, "GX-3310",
     None, None, ("FedEx", "Express", "123456789012", on(11, 16), on(11, 18))),
    ("SO-1052", "INITECH", on(11, 24, 10), FulfilmentStatus.UNFULFILLED, OrderStatus.OPEN,
     "INI-5521", date(2026, 12, 4), None, None),
    ("SO-1053", "INITECH", on(11, 24, 16, 30), FulfilmentStatus.ALLOCATED, OrderStatus.OPEN,
     None, None, None, None),
    ("SO-1054", "INITECH", on(11, 3), FulfilmentStatus.DELIVERED, OrderStatus.COMPLETED, None,
     None, None, ("USPS", "Priority", "9400111899223344556677", on(11, 5), on(11, 10))),
    ("SO-1055", "UMBRELLA", on(10, 14), FulfilmentStatus.DELIVERED, OrderStatus.COMPLETED,
     None, None, None, ("DHL", "Express", "1234567890", on(10, 16), on(10, 20))),
    ("SO-1056", "UMBRELLA", on(10, 28), FulfilmentStatus.DELIVERED, OrderStatus.COMPLETED,
     None, None, None, None),
    ("SO-1057", "STARKI", on(11, 19), FulfilmentStatus.UNFULFILLED, OrderStatus.OPEN, None,
     date(2026, 12, 10), None, None),
    ("SO-1058", "STARKS", on(11, 18), FulfilmentStatus.PICKING, OrderStatus.OPEN, None,
     None, date(2026, 11, 27), None),
    ("SO-1059", "WAYNE", on(11, 23, 11), FulfilmentStatus.PARTIALLY_SHIPPED, OrderStatus.OPEN,
     None, None, date(2026, 11, 30), ("UPS", "Ground", "1Z999AA10123456795", on(11, 24),
                                      None)),
    ("SO-1060", "ACME", on(9, 30), FulfilmentStatus.DELIVERED, OrderStatus.COMPLETED, None,
     None, None, None),
)


def build_threads_desk(db) -> dict:
    """The small desk (around NOW's day), then everything above. Returns customer ids by code."""
    ids = build(db, today=NOW.date())
    with db.write() as s:
        for code, owner in OWNERS.items():
            s.execute(update(Customer).where(Customer.code == code).values(sales_rep_id=owner))
        for code, name, owner in MORE_CUSTOMERS:
            customer = Customer(code=code, name=name, currency="USD", sales_rep_id=owner)
            s.add(customer)
            s.flush()
            ids[code] = customer.id
        for row in MORE_ORDERS:
            _add(s, ids, *row)
        beta_order = s.query(Order).filter_by(ref="SO-1043").one()
        s.add(OrderHold(order_id=beta_order.id, reason=HoldReason.CREDIT_HOLD,
                        note="waiting on credit approval", placed_by="U0PROC1",
                        placed_at=on(11, 22)))
        s.add(Discrepancy(order_id=beta_order.id, type=DiscrepancyType.PRICE_MISMATCH,
                          severity=Severity.HIGH, fingerprint="price:1",
                          title="Line 1 at $45.00, contract says $42.00", opened_at=on(11, 22)))
    return ids


def _add(s, ids, ref, code, ordered, fulfilment, status, po, requested, promised, ship):
    order = add_order(s, ref, ids[code], ordered, po=po, status=status, fulfilment=fulfilment,
                      requested=requested, lines=[("WID-1042-BL", None, 3, 1250),
                                                  ("GIZ-2001-RD", None, 1, 4500)])
    order.promised_date = promised
    s.flush()
    if ship:
        carrier, service, number, shipped, delivered = ship
        s.add(Shipment(order_id=order.id, carrier=carrier, service=service,
                       tracking_number=number, shipped_at=shipped, delivered_at=delivered))


@pytest.fixture
def frozen_clock(set_clock):
    """The one clock set to NOW (ticking on from there), so 'yesterday' is always Nov 24."""
    set_clock.set(NOW)
    return NOW


def start(db, env: dict | None = None, sandbox=None):
    """The stack of tests/support/stack.py, with extra settings; call after frozen_clock."""
    settings = Settings.from_env({"ORDERDESK_ADMINS": ADMIN, **(env or {})})
    sb, running, app_settings = start_stack(settings, db=db, sandbox=sandbox)
    for user_id, role in DEMO_ROLES.items():
        set_role(db, actor=ADMIN, user_id=user_id, role=role, admins=frozenset({ADMIN}),
                 default_role=settings.default_role)
    return Stack(sb=sb, db=db, settings=app_settings), running


@pytest.fixture
def tstack(frozen_clock, db):
    """Sandbox + Orderdesk on the threads desk, clock frozen at NOW, default settings."""
    stack, running = start(db)
    build_threads_desk(db)
    yield stack
    running.stop()
    stack.sb.stop()
