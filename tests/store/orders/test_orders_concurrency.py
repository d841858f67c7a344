"""Two people edit the same order from the same starting version: one wins, the other is told
what changed, and nothing is overwritten or lost."""

import threading

import pytest
from sqlalchemy import select

from store.errors import StaleEdit
from store.models import Event
from store.orders.operations import OrderEdit, edit_order, get_order
from store.views.orders import AddressView
from tests.support.clock import TODAY, in_days
from tests.support.desk import build

NEW_ADDRESS = AddressView(name="Receiving", line1="9 Elm St", city="Shelbyville",
                          postal_code="62565", country="US")


@pytest.fixture
def desk(db):
    return build(db)


def _save(db, actor, version, changes, outcomes):
    try:
        result = edit_order(db, ref="SO-1042", actor=actor, expected_version=version,
                            changes=changes, today=TODAY)
        outcomes[actor] = result
    except StaleEdit as error:
        outcomes[actor] = error


def test_two_concurrent_edits_one_wins_the_other_is_refused_and_told_why(db, desk):
    version = get_order(db, ref="SO-1042").version
    edits = {"U0ALICE": OrderEdit(ship_to=NEW_ADDRESS),
             "U0BOB": OrderEdit(requested_date=in_days(29))}
    outcomes: dict = {}
    start = threading.Barrier(2)

    def run(actor):
        start.wait()
        _save(db, actor, version, edits[actor], outcomes)

    threads = [threading.Thread(target=run, args=(actor,)) for actor in edits]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    stale = [a for a, o in outcomes.items() if isinstance(o, StaleEdit)]
    won = [a for a, o in outcomes.items() if not isinstance(o, StaleEdit)]
    assert len(stale) == 1 and len(won) == 1
    order = get_order(db, ref="SO-1042")
    assert order.version == version + 1
    if won == ["U0ALICE"]:
        assert order.ship_to.city == "Shelbyville" and order.requested_date == in_days(6)
        assert "ship-to city: Springfield → Shelbyville" in outcomes["U0BOB"].changes
    else:
        assert order.ship_to.city == "Springfield" and order.requested_date == in_days(29)
        assert f"requested date: {in_days(6)} → {in_days(29)}" in outcomes["U0ALICE"].changes
    with db.read() as s:
        events = list(s.scalars(select(Event).where(Event.order_id == order.id)))
    assert [e.actor_id for e in events] == won


def test_a_stale_edit_writes_nothing_and_lists_what_changed(db, desk):
    opened = get_order(db, ref="SO-1042").version
    edit_order(db, ref="SO-1042", actor="U0ALICE", expected_version=opened,
               changes=OrderEdit(shipping_instructions="Dock 4"), today=TODAY)
    edit_order(db, ref="SO-1042", actor="U0CAROL", expected_version=opened + 1,
               changes=OrderEdit(place_hold=("customer_request", None)), today=TODAY)
    with pytest.raises(StaleEdit) as caught:
        edit_order(db, ref="SO-1042", actor="U0BOB", expected_version=opened,
                   changes=OrderEdit(shipping_instructions="Leave at gate"), today=TODAY)
    assert caught.value.changes == ["shipping instructions: — → Dock 4",
                                    "hold: — → customer request"]
    assert "Order SO-1042 was changed by someone else" in caught.value.message
    order = get_order(db, ref="SO-1042")
    assert order.shipping_instructions == "Dock 4" and order.version == opened + 2
