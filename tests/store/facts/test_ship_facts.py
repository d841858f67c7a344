"""order_ship_facts always equals a from-scratch recomputation (done here in Python from the
orders, lines and shipments) after every kind of write that changes its inputs. Core writes
and the bulk seed are checked for both facts tables in tests/store/facts/test_received_facts.py."""

import pytest
from sqlalchemy import select

from store.fulfilment.allocation import allocate
from store.fulfilment.returns import ReturnLineRequest as Line
from store.fulfilment.returns import create_return
from store.fulfilment.shipments import ship_form
from store.models import Order, Shipment
from store.orders.edit import OrderEdit
from store.orders.operations import edit_order, get_order
from tests.support.clock import in_days
from tests.support.facts import ACTOR, expected, ship, stored
from tests.support.fulfil_desk import REF, fulfil_desk


@pytest.fixture
def desk(db):
    fulfil_desk(db)
    assert stored(db) == expected(db)


def test_shipping_allocating_and_backordering_keep_the_facts_exact(db, desk):
    allocate(db, ref="SO-1042", actor=ACTOR)  # one gizmo line backordered
    ship(db, ref="SO-1042", day=in_days(-1), l1=1)
    ship(db, ref="SO-1042", l1=1)  # a later shipment does not move the first one
    facts = stored(db)
    assert facts == expected(db)
    order_id = get_order(db, ref="SO-1042").id
    assert facts[order_id][0].date() == in_days(-1)
    assert facts[order_id][5] == 1  # the backordered gizmo


def test_a_replacement_shipment_never_counts_as_the_first(db, desk):
    ship(db, day=in_days(-1), l1=4, l2=10, l3=2)  # the day it was ordered
    before = stored(db)
    ret = create_return(db, ref=REF, actor=ACTOR, lines=[Line(1, "1", "replace", "defective")])
    keys = [x.key for x in ship_form(db, ref=REF).lines if x.key.startswith("r")]
    assert keys, ret
    ship(db, **{keys[0]: 1})
    assert stored(db) == expected(db) == before


def test_edits_and_flags_written_through_the_orm_refresh_the_facts(db, desk):
    ship(db, l1=1)
    edit_order(db, ref=REF, actor=ACTOR, expected_version=get_order(db, ref=REF).version,
               changes=OrderEdit(requested_date=in_days(25)))
    with db.write() as s:  # a carrier claim marks the shipment damaged
        shipment = s.scalars(select(Shipment).join(Order).where(Order.ref == REF)).one()
        shipment.damaged = True
        s.get(Order, shipment.order_id).lines[1].quantity_backordered = 3
    facts, order_id = stored(db), get_order(db, ref=REF).id
    assert facts == expected(db)
    assert facts[order_id][6] is True and facts[order_id][5] == 1
