"""Allocation: when an order is ready, what gets reserved where, backorders, top-ups,
releases on edit, the clock's sweep, and late orders."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from store.enums import PaymentStatus
from store.errors import NotReady
from store.fulfilment.allocation import allocate, allocate_ready, flag_late_orders
from store.fulfilment.shipments import ShipRequest, ship_order
from store.models import ChannelRoute, Discrepancy, Event, Order, OutboxMessage
from store.orders.edit import OrderEdit
from store.orders.lines import LineEdit
from store.orders.operations import edit_order, get_order
from store.triage.operations import flag_order
from tests.support.clock import TODAY
from tests.support.fulfil_desk import PROMISED, REF, fulfil_desk, reserved_lines, stock

ACTOR = "U0PROC1"


@pytest.fixture
def desk(db):
    return fulfil_desk(db)


def test_allocating_reserves_each_line_and_posts_one_pick_request(db, desk):
    result = allocate(db, ref=REF, actor=ACTOR)
    assert result.order.fulfilment_status == "allocated"
    assert reserved_lines(db) == [4, 10, 2]
    assert stock(db, "WID-1042-BL") == (100, 14)  # EAST: 90 free beats WEST's 40
    assert stock(db, "WID-1042-BL", "WEST") == (40, 0)
    with db.read() as s:
        post = s.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == "pick:"
                                                     + str(result.order.id))).one()
    assert post.payload["channel"] == "C0WH" and result.queued == (post.id,)

    again = allocate(db, ref=REF, actor=ACTOR)  # nothing more to reserve, no second post
    assert reserved_lines(db) == [4, 10, 2] and stock(db, "WID-1042-BL") == (100, 14)
    with db.read() as s:
        assert s.query(OutboxMessage).filter(OutboxMessage.method == "chat.postMessage",
                                             OutboxMessage.target.startswith("pick:")).count() == 1
    assert again.order.fulfilment_status == "allocated" and again.pick_request == "already"
    with db.read() as s:  # one release in the history, not a second "0 unit(s) reserved"
        assert s.query(Event).filter(Event.kind == "allocated").count() == 1


def test_an_order_is_not_ready_unpaid_without_terms_held_or_with_open_discrepancies(db, desk):
    with pytest.raises(NotReady, match="payment is awaiting and the customer is not on terms"):
        allocate(db, ref="SO-1043", actor=ACTOR)
    with db.write() as s:
        s.scalars(select(Order).where(Order.ref == "SO-1043")).one().payment_status = \
            PaymentStatus.CAPTURED
    flag_order(db, ref="SO-1043", actor=ACTOR, reason="customer asked to wait")
    with pytest.raises(NotReady, match="open discrepancies: .*customer asked to wait"):
        allocate(db, ref="SO-1043", actor=ACTOR)
    edit_order(db, ref=REF, actor=ACTOR, expected_version=get_order(db, ref=REF).version,
               changes=OrderEdit(place_hold=("credit_hold", "check with finance")))
    with pytest.raises(NotReady, match=r"on hold \(credit hold\)"):
        allocate(db, ref=REF, actor=ACTOR)
    assert reserved_lines(db) == [0, 0, 0]


def test_what_is_not_in_stock_is_backordered(db, desk):
    with db.write() as s:
        s.scalars(select(Order).where(Order.ref == "SO-1043")).one().payment_status = \
            PaymentStatus.AUTHORIZED
    result = allocate(db, ref="SO-1043", actor=ACTOR)  # 3 gizmos; EAST has 5 on hand, 7 held
    assert any("3 unit(s) are not in stock" in n for n in result.notes)
    assert [(x.reserved, x.backordered) for x in result.pick.lines] == [(0, 3)]
    assert stock(db, "GIZ-2001-RD") == (5, 7)


def test_editing_a_quantity_releases_or_tops_up_the_reservation(db, desk):
    allocate(db, ref=REF, actor=ACTOR)
    edit = OrderEdit(lines=(LineEdit(line_no=2, sku="", quantity="4", unit_price=None),))
    edit_order(db, ref=REF, actor=ACTOR, expected_version=get_order(db, ref=REF).version,
               changes=edit)
    assert reserved_lines(db) == [4, 4, 2] and stock(db, "CBL-5005-BK") == (50, 4)
    edit = OrderEdit(lines=(LineEdit(line_no=2, sku="", quantity="7", unit_price=None),))
    edit_order(db, ref=REF, actor=ACTOR, expected_version=get_order(db, ref=REF).version,
               changes=edit)
    allocate(db, ref=REF, actor=ACTOR)
    assert reserved_lines(db) == [4, 7, 2] and stock(db, "CBL-5005-BK") == (50, 7)


def test_the_sweep_allocates_ready_orders_only_while_a_warehouse_is_routed(db):
    fulfil_desk(db, routes=False)
    assert allocate_ready(db) == []
    with db.write() as s:
        s.add(ChannelRoute(key="warehouse", channel_id="C0WH"))
    assert allocate_ready(db) == ["SO-1042", "SO-2001", "SO-2002"]  # not SO-1043: unpaid
    assert allocate_ready(db) == []
    assert reserved_lines(db) == [4, 10, 2]


def test_a_late_order_opens_one_discrepancy_and_shipping_it_resolves_it(db, desk):
    before = datetime.combine(PROMISED, time(18), UTC)
    assert flag_late_orders(db, now=before) == 0  # due today: not late yet
    after = datetime.combine(PROMISED + timedelta(days=1), time(8), UTC)
    assert flag_late_orders(db, now=after) == 1
    assert flag_late_orders(db, now=after) == 0
    with db.read() as s:
        late = s.scalars(select(Discrepancy).where(Discrepancy.fingerprint == "late")).one()
        assert (late.type.value, late.severity.value) == ("late", "medium")
        assert f"SO-2001 was promised for {PROMISED.isoformat()}" in late.title
    # Late stops nothing: going to the warehouse and shipping are what resolve it.
    assert allocate(db, ref=REF, actor=ACTOR).order.fulfilment_status == "allocated"
    ship_order(db, ref=REF, actor=ACTOR, now=after, request=ShipRequest(
        "Other", None, after.date(), None, {"l1": "4", "l2": "10", "l3": "2"}))
    with db.read() as s:
        late = s.scalars(select(Discrepancy).where(Discrepancy.fingerprint == "late")).one()
        assert (late.status.value, late.resolved_by) == ("resolved", ACTOR)
    assert stock(db, "WID-1042-BL") == (96, 10)  # shipped what was reserved for it


def _restock(db, sku: str, units: int, warehouse: str = "EAST") -> None:
    from store.models import Product, StockLevel, Warehouse
    with db.write() as s:
        s.execute(select(StockLevel).join(Product, Product.id == StockLevel.product_id)
                  .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
                  .where(Product.sku == sku, Warehouse.code == warehouse)
                  ).scalar_one().on_hand += units


def _backordered(db, ref: str) -> list[int]:
    with db.read() as s:
        order = s.scalars(select(Order).where(Order.ref == ref)).one()
        return [line.quantity_backordered for line in order.lines]


def _paid(db, ref: str) -> None:
    with db.write() as s:
        s.scalars(select(Order).where(Order.ref == ref)).one().payment_status = \
            PaymentStatus.AUTHORIZED


def test_shipping_what_was_backordered_clears_the_backorder(db, desk):
    """#15.4: allocated short, restocked and shipped in full, the line stayed backordered."""
    from store.models import OrderReceivedFacts, OrderShipFacts
    _paid(db, "SO-1043")
    allocate(db, ref="SO-1043", actor=ACTOR)
    assert _backordered(db, "SO-1043") == [3]
    _restock(db, "GIZ-2001-RD", 10)  # 15 on hand, 7 held by others: 8 free
    ship_order(db, ref="SO-1043", actor=ACTOR, request=ShipRequest(
        "Other", None, TODAY, None, {"l1": "1"}))
    assert _backordered(db, "SO-1043") == [2]  # what is still short, not what ever was
    result = ship_order(db, ref="SO-1043", actor=ACTOR, request=ShipRequest(
        "Other", None, TODAY, None, {"l1": "2"}))
    assert result.complete and _backordered(db, "SO-1043") == [0]
    with db.read() as s:
        order_id = s.scalar(select(Order.id).where(Order.ref == "SO-1043"))
        assert s.get(OrderShipFacts, order_id).short_lines == 0
        assert s.get(OrderReceivedFacts, order_id).short_lines == 0


def test_allocating_after_a_restock_clears_the_backorder(db, desk):
    _paid(db, "SO-1043")
    allocate(db, ref="SO-1043", actor=ACTOR)
    _restock(db, "GIZ-2001-RD", 10)
    result = allocate(db, ref="SO-1043", actor=ACTOR)
    assert _backordered(db, "SO-1043") == [0]
    assert [(x.reserved, x.backordered) for x in result.pick.lines] == [(3, 0)]


def test_a_late_order_reads_in_spanish_and_its_english_is_unchanged(db, desk):
    """#21: the sweep's finding keeps its figures beside the English title."""
    from dataclasses import replace

    from messages import i18n
    from messages import triage as m
    from store.triage.loading import discrepancy_view
    after = datetime.combine(PROMISED + timedelta(days=1), time(8), UTC)
    assert flag_late_orders(db, now=after) == 1
    with db.read() as s:
        d = discrepancy_view(s.scalars(select(Discrepancy).where(
            Discrepancy.fingerprint == "late")).one())
    snooze = [("1h", "1 hour")]
    english = m.parent_message(d, snooze_options=snooze)
    assert english == m.parent_message(replace(d, words=None), snooze_options=snooze)
    with i18n.using("es"):
        spanish = str(m.parent_message(d, snooze_options=snooze))
        promised = i18n.short_day(PROMISED)
    assert "SO-2001 se prometió para el " in spanish and "y no se ha enviado" in spanish
    assert "enviado a más tardar el " in spanish and "sin preparar el " in spanish
    assert d.title not in spanish and f"para el {promised} y" in spanish


def test_a_line_nothing_was_reserved_for_waits_for_stock_in_any_warehouse(db, desk):
    """Allocated when no warehouse had a gizmo free, the line was tied to the emptiest-looking
    one (WEST, 0 on hand), so stock arriving in EAST never reached it: the next allocation
    still backordered it and shipping was refused ("Only 0 … can ship from WEST")."""
    from store.models import Product, StockLevel, Warehouse
    with db.write() as s:
        gizmo = s.scalar(select(Product.id).where(Product.sku == "GIZ-2001-RD"))
        west = s.scalar(select(Warehouse.id).where(Warehouse.code == "WEST"))
        s.add(StockLevel(product_id=gizmo, warehouse_id=west, on_hand=0, reserved=0))
    _paid(db, "SO-1043")
    allocate(db, ref="SO-1043", actor=ACTOR)  # EAST: 5 on hand, 7 held by others
    assert _backordered(db, "SO-1043") == [3]
    _restock(db, "GIZ-2001-RD", 50)  # in EAST
    result = allocate(db, ref="SO-1043", actor=ACTOR)
    assert [(x.reserved, x.backordered) for x in result.pick.lines] == [(3, 0)]
    assert stock(db, "GIZ-2001-RD") == (55, 10)
    shipped = ship_order(db, ref="SO-1043", actor=ACTOR, request=ShipRequest(
        "Other", None, TODAY, None, {"l1": "3"}))
    assert shipped.complete and stock(db, "GIZ-2001-RD") == (52, 7)


def test_a_return_on_a_part_shipped_order_leaves_the_rest_to_release_ship_and_flag_late(db,
                                                                                        desk):
    """SO-2002, 3 pumps with 2 in stock: 1 shipped and refunded on a return. The order became
    partially_returned: the 2 still owed could not be released again ("fulfilment is
    partially_returned") and the late sweep passed it by. Once everything has shipped, the
    return shows."""
    from store.fulfilment.returns import ReturnLineRequest, create_return
    from store.models import StockLevel
    with db.write() as s:
        s.scalars(select(StockLevel).join(Order, Order.ref == "SO-2002").where(
            StockLevel.product_id == s.scalar(select(Order).where(Order.ref == "SO-2002"))
            .lines[0].product_id)).first().on_hand = 2
    _paid(db, "SO-2002")
    allocate(db, ref="SO-2002", actor=ACTOR)
    ship_order(db, ref="SO-2002", actor=ACTOR,
               request=ShipRequest("Other", None, TODAY, None, {"l1": "1"}))
    create_return(db, ref="SO-2002", actor=ACTOR,
                  lines=[ReturnLineRequest(1, 1, "refund", "damaged")])
    assert get_order(db, ref="SO-2002").fulfilment_status == "partially_shipped"
    with db.write() as s:
        s.scalars(select(Order).where(Order.ref == "SO-2002")).one().promised_date = \
            TODAY - timedelta(days=3)
    assert flag_late_orders(db) == 1
    _restock(db, "PMP-7007-GR", 10)
    allocate(db, ref="SO-2002", actor=ACTOR)  # the 1 reserved before, and 1 more
    done = ship_order(db, ref="SO-2002", actor=ACTOR,
                      request=ShipRequest("Other", None, TODAY, None, {"l1": "2"}))
    assert done.complete and get_order(db, ref="SO-2002").fulfilment_status == \
        "partially_returned"


def test_an_order_closed_short_is_no_longer_backordered_nor_told_late(db, desk):
    """Completed in the editor with 2 pumps never shipped: its line stayed backordered (the
    export and the week's backorder rate counted it for good), and a customer with notices on
    was queued 'delayed' and 'backordered' mails for the closed order."""
    from store.mail import due_notices
    from store.models import Customer, StockLevel
    with db.write() as s:
        order = s.scalars(select(Order).where(Order.ref == "SO-2002")).one()
        s.scalars(select(StockLevel).where(
            StockLevel.product_id == order.lines[0].product_id)).first().on_hand = 2
        customer = s.get(Customer, order.customer_id)
        customer.email, customer.notice_delayed = "buyer@acme.example", True
        customer.notice_backordered = True
        order.promised_date = TODAY - timedelta(days=3)
    _paid(db, "SO-2002")
    allocate(db, ref="SO-2002", actor=ACTOR)
    ship_order(db, ref="SO-2002", actor=ACTOR,
               request=ShipRequest("Other", None, TODAY, None, {"l1": "1"}))
    owed = {n.key.split(":")[1] for n in due_notices(db) if "SO-2002" == n.draft.order.ref}
    assert owed == {"delayed", "backordered"}  # while it is open, both are owed
    edit_order(db, ref="SO-2002", actor=ACTOR,
               expected_version=get_order(db, ref="SO-2002").version,
               changes=OrderEdit(transition_to="completed"))
    assert _backordered(db, "SO-2002") == [0]
    assert not [n.key for n in due_notices(db) if n.draft.order.ref == "SO-2002"]


def test_the_sweep_gives_arriving_stock_to_the_oldest_backorders_first(db, desk):
    """Pumps ran short: SO-3001 and SO-3002, released by the sweep, were backordered. Stock
    arrived, then a new order: the sweep allocated only the new one, in full, and left the
    older backorders short with the stock gone to a newer customer."""
    from store.models import Product, StockLevel
    from tests.support.clock import days_ago
    from tests.support.desk import add_order
    with db.write() as s:
        pump = s.scalar(select(Product.id).where(Product.sku == "PMP-7007-GR"))
        s.scalars(select(StockLevel).where(StockLevel.product_id == pump)).one().on_hand = 5
        for n, ago in ((3001, 3), (3002, 2)):
            add_order(s, f"SO-{n}", desk["BETA"], days_ago(ago),
                      lines=[("PMP-7007-GR", pump, 5, 18000)]).payment_status = \
                PaymentStatus.CAPTURED
    assert allocate_ready(db) == ["SO-1042", "SO-2001", "SO-2002", "SO-3001", "SO-3002"]
    assert [_backordered(db, r) for r in ("SO-3001", "SO-3002")] == [[3], [5]]  # SO-2002 took 3
    assert allocate_ready(db) == []  # nothing free: the backorders wait, and fill no sweep
    _restock(db, "PMP-7007-GR", 10)
    with db.write() as s:
        add_order(s, "SO-3003", desk["GLOBEX"], days_ago(0),
                  lines=[("PMP-7007-GR", pump, 5, 18000)]).payment_status = \
            PaymentStatus.CAPTURED
    assert allocate_ready(db) == ["SO-3001", "SO-3002", "SO-3003"]
    assert [_backordered(db, r) for r in ("SO-3001", "SO-3002", "SO-3003")] == [[0], [0], [3]]
    assert stock(db, "PMP-7007-GR") == (15, 15)
    assert allocate_ready(db) == []
