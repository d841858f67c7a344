"""/order history <ref>: events newest first, a page at a time."""

import pytest

from store.errors import OrderNotFound
from store.orders.history import order_history
from store.orders.operations import OrderEdit, edit_order, get_order
from tests.support.clock import TODAY
from tests.support.desk import build


@pytest.fixture
def edited(db):
    build(db)
    for n in range(23):
        version = get_order(db, ref="SO-1042").version
        edit_order(db, ref="SO-1042", actor=f"U0P{n:02d}", expected_version=version,
                   changes=OrderEdit(shipping_instructions=f"note {n}"), today=TODAY)


def test_history_pages_newest_first(db, edited):
    first = order_history(db, ref="1042", page=1, per_page=10)
    assert (first.ref, first.page, first.pages, first.total) == ("SO-1042", 1, 3, 23)
    assert [e.actor_id for e in first.events][:2] == ["U0P22", "U0P21"]
    assert first.events[0].changes[0].after == "note 22"
    last = order_history(db, ref="SO-1042", page=3, per_page=10)
    assert [e.actor_id for e in last.events] == ["U0P02", "U0P01", "U0P00"]
    ids = [e.id for p in (1, 2, 3) for e in order_history(db, ref="SO-1042", page=p).events]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 23


def test_a_page_past_the_end_shows_the_last_page(db, edited):
    page = order_history(db, ref="SO-1042", page=99, per_page=10)
    assert page.page == 3 and len(page.events) == 3
    assert order_history(db, ref="SO-1042", page=0).page == 1


def test_an_order_without_events_has_one_empty_page(db, edited):
    page = order_history(db, ref="SO-1043")
    assert (page.events, page.page, page.pages, page.total) == ((), 1, 1, 0)


def test_history_of_an_unknown_order_raises(db, edited):
    with pytest.raises(OrderNotFound):
        order_history(db, ref="SO-404")


def test_the_importers_fingerprint_is_not_shown_as_a_change(db, tmp_path):
    from store.importer import import_file
    from store.orders.history import order_history
    from tests.support.imports import ORDER_HEADER, load_reference, order_row, write_csv

    load_reference(db)
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADER, [order_row("SO-77")])
    assert import_file(db, kind="orders", path=path).rows_imported == 1
    events = order_history(db, ref="SO-77").events
    assert events and all(c.field != "import_fingerprint" for e in events for c in e.changes)
