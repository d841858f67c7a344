"""Orders whose lines fill more than one section: /order and "All lines" still reach Slack
(a section's text is at most 3,000 characters; Slack refuses the whole message or view)."""

from bench.app_stack import CHANNEL, PROCESSOR
from messages.actions import OrderActions
from store.enums import FulfilmentStatus
from store.models import Order, Product, Shipment, ShipmentLine
from tests.support.clock import days_ago
from tests.support.desk import add_order, build

FLANGE = "Stainless weld-neck flange & gasket kit, DN150 PN16, 316L grade"


def _part_shipped(s, order: Order, *, shipped: int, backordered: int) -> None:
    s.flush()
    shipment = Shipment(order_id=order.id, carrier="UPS", shipped_at=days_ago(1),
                        tracking_number="1Z999AA10123456784")
    for line in order.lines:
        shipment.lines.append(ShipmentLine(order_line_id=line.id, quantity=shipped))
        line.quantity_backordered = backordered
    s.add(shipment)
    order.fulfilment_status = FulfilmentStatus.PARTIALLY_SHIPPED


def _order(stack, ref: str, *, skus: list[str], currency: str, quantity: int, price: int,
           shipped: int, backordered: int) -> None:
    ids = build(stack.db)
    with stack.db.write() as s:
        lines = []
        for sku in skus:
            product = Product(sku=sku, currency=currency, active=True, name=FLANGE,
                              unit_price_minor=price)
            s.add(product)
            s.flush()
            lines.append((product.sku, product.id, quantity, price))
        order = add_order(s, ref, ids["ACME"], days_ago(1), lines=lines)
        order.currency = currency
        _part_shipped(s, order, shipped=shipped, backordered=backordered)


def test_all_lines_modal_opens_for_a_60_line_order(stack):
    _order(stack, "SO-3000", skus=[f"FLG-DN150-PN16-{i:04d}" for i in range(60)],
           currency="USD", quantity=2400, price=123456, shipped=1200, backordered=1200)
    assert not stack.sb.slash("/order", "SO-3000", user=PROCESSOR, channel=CHANNEL).problems
    card = stack.sb.ephemerals(user=PROCESSOR)[-1]
    stack.sb.click(OrderActions.ALL_LINES, user=PROCESSOR, message=card)
    stack.sb.wait_for(lambda: stack.sb.calls("views.open"))
    assert [c.response["errors"] for c in stack.sb.calls("views.open") if not c.ok] == []
    shown = stack.sb.calls("views.open")[-1]
    assert shown.ok and "FLG-DN150-PN16-0059" in str(shown.params)


def test_the_card_of_15_long_kwd_lines_answers_order(stack):
    """64-character SKUs, 3-decimal prices, 99,999 units a line, part shipped and backordered:
    the 15 lines the card shows no longer fit one section."""
    skus = [f"{i:02d}-" + "X" * 61 for i in range(15)]
    _order(stack, "SO-3001", skus=skus, currency="KWD", quantity=99_999, price=999_999_999,
           shipped=49_999, backordered=50_000)
    delivery = stack.sb.slash("/order", "SO-3001", user=PROCESSOR, channel=CHANNEL)
    assert not delivery.problems
    card = stack.sb.ephemerals(user=PROCESSOR)[-1]
    text = str(card.blocks)
    assert all(sku in text for sku in skus)
