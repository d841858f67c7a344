"""Order refs of any shape (issue 16, part 1): every stored ref is found exactly however it
is typed, a bare number only when it names one order, typos among the stored refs, and the
prefixes in use are learned from the data."""

import pytest
from sqlalchemy import select

from store.errors import AmbiguousRef
from store.lookup.find import find_orders
from store.models import Order
from store.orders import get_order
from store.orders.history import order_history
from store.refs import ref_key_of, ref_prefixes
from store.triage import order_ref_in
from tests.support.clock import days_ago
from tests.support.desk import add_foreign_refs, add_order, build


@pytest.fixture
def desk(db):
    ids = build(db)
    add_foreign_refs(db, ids)
    return ids


@pytest.mark.parametrize("ref, key", [
    ("HX-2001", "hx2001"), ("hx 2001", "hx2001"), ("HX#02001", "hx2001"), ("#1001", "1001"),
    ("4500012345", "4500012345"), ("SO12345", "so12345"), ("SO-0042", "so42"),
    ("Ördér-7", "ördér7"), ("ABC", "abc"), ("  ", ""),
])
def test_a_ref_key_ignores_case_spaces_punctuation_and_padding(ref, key):
    assert ref_key_of(ref) == key


@pytest.mark.parametrize("query, ref", [
    ("HX-2001", "HX-2001"), ("hx2001", "HX-2001"), ("HX 2001", "HX-2001"), ("hx-2001", "HX-2001"),
    ("WEB-1001", "WEB-1001"), ("web 1001", "WEB-1001"), ("#1001", "#1001"),
    ("4500099999", "4500099999"), ("SO12345", "SO12345"), ("so-12345", "SO12345"),
    ("SO-1042", "SO-1042"), ("1042", "SO-1042"), ("12345", "SO12345"), ("2005", "HX-2005"),
])
def test_every_stored_ref_opens_however_it_is_typed(db, desk, query, ref):
    result = find_orders(db, query=query)
    assert result.exact is not None, result.candidates
    assert result.exact.ref == ref
    assert "order refs" in result.searched


def test_a_bare_number_two_refs_end_with_offers_both(db, desk):
    result = find_orders(db, query="1001")
    assert result.exact is None
    assert sorted(c.ref for c in result.candidates) == ["#1001", "WEB-1001"]


def test_a_bare_number_that_is_a_ref_and_a_po_shows_both(db, desk):
    with db.write() as s:
        add_order(s, "HX-4711", desk["ACME"], days_ago(0), lines=[])
        add_order(s, "HX-9000", desk["BETA"], days_ago(0), po="4711", lines=[])
    result = find_orders(db, query="4711")
    assert result.exact is None
    assert {c.ref: c.matched_on for c in result.candidates} == {
        "HX-4711": "order ref HX-4711", "HX-9000": "PO 4711"}


@pytest.mark.parametrize("typo", ["HX-2010", "HX-201", "HX-20011", "HX-2002", "HZ-2001",
                                  "WEB-1010"])
def test_a_ref_one_typo_away_is_offered_among_the_stored_refs(db, desk, typo):
    result = find_orders(db, query=typo)
    assert result.exact is None
    refs = [c.ref for c in result.candidates]
    assert refs and set(refs) <= {"HX-2001", "HX-2005", "WEB-1001", "#1001"}, refs
    assert all("~" in c.matched_on for c in result.candidates)


def test_subcommands_take_any_spelling_and_refuse_an_ambiguous_number(db, desk):
    assert get_order(db, ref="hx 2001").ref == "HX-2001"
    assert get_order(db, ref="#1001").ref == "#1001"  # spelt as stored: that one
    assert order_history(db, ref="web1001").ref == "WEB-1001"
    with pytest.raises(AmbiguousRef, match="WEB-1001"):
        get_order(db, ref="1001")


def test_refs_in_a_message_are_found_in_any_shape(db, desk):
    assert order_ref_in(db, text="customer says HX 2005 arrived damaged") == "HX-2005"
    assert order_ref_in(db, text="see 4500099999.") == "4500099999"
    assert order_ref_in(db, text="about 1001?") is None  # two orders: nothing guessed


def test_the_prefixes_in_use_are_learned_and_follow_new_orders(db, desk):
    with db.read() as s:
        assert ref_prefixes(s) == {"so", "hx", "web", ""}
    with db.write() as s:
        add_order(s, "ZZ-77001", desk["ACME"], days_ago(0), lines=[])
    with db.read() as s:
        assert "zz" in ref_prefixes(s)
    assert find_orders(db, query="zz 77001").exact.ref == "ZZ-77001"


def test_the_orm_keeps_the_ref_key_in_step(db, desk):
    with db.read() as s:
        rows = s.execute(select(Order.ref, Order.ref_key, Order.ref_prefix)).all()
    assert all(key == ref_key_of(ref) for ref, key, _p in rows)
    assert ("#1001", "1001", "") in rows and ("HX-2001", "hx2001", "hx") in rows


@pytest.mark.parametrize("typed, ref", [("SO-1O42", "SO-1042"), ("so-lO42", "SO-1042"),
                                        ("HX-2OO1", "HX-2001"), ("SO-1O4", None)])
def test_letters_typed_for_digits_in_a_ref_are_read_as_the_digits(db, desk, typed, ref):
    """'SO-1O42': O, l or I beside digits is read as 0 or 1 among the near refs (the zeros
    padding a run of digits drop out of the key, so such a slip is no longer one typo)."""
    found = find_orders(db, query=typed)
    near = [c.ref for c in found.candidates if c.matched_on == f"order ref ~ '{typed}'"]
    assert found.exact is None
    assert near[:1] == ([ref] if ref else [])
