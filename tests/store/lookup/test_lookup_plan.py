"""Classifying queries, one-typo neighbours and tracking links: pure functions."""

import pytest

from store.lookup.plan import CODE, NUMBER, PO, REF, TRACKING, classify, neighbours
from store.tracking import carrier_key, tracking_url


@pytest.mark.parametrize("query, kinds, words", [
    ("SO-1042", [REF], ""),
    ("so 1042", [REF], ""),
    ("1042", [NUMBER], ""),
    ("PO 7781", [PO], ""),
    ("po#A-7781", [PO], ""),
    ("1Z999AA10123456784", [TRACKING], ""),
    ("1Z 999 AA1 01 2345 6784", [TRACKING], ""),
    ("9400111899223197428490", [TRACKING], ""),
    ("WID-1042-BL", [CODE], ""),
    ("acme WID-1042-BL", [CODE], "acme"),
    ("Thomas-Collins", [], "Thomas-Collins"),
    ("Nicolas Pons S.A.R.L.", [], "Nicolas Pons S.A.R.L."),
    ("Acme Corp", [], "Acme Corp"),
])
def test_queries_are_split_into_keys_and_words(query, kinds, words):
    plan = classify(query)
    assert [k.kind for k in plan.keys] == kinds
    assert plan.words == words


def test_a_po_key_keeps_the_body_and_the_typed_text():
    [key] = classify("PO 7781").keys
    assert (key.text, key.value) == ("PO-7781", "7781")


def test_neighbours_are_exactly_one_edit_or_swap_away():
    near = set(neighbours("1042"))
    assert {"142", "10423", "1043", "1402", "10042"} <= near
    assert "1042" not in near and "1404" not in near
    assert all(c.isdigit() for n in near for c in n)  # digits stay digits


def test_neighbours_of_codes_use_letters_and_the_texts_own_symbols():
    near = set(neighbours("A-7"))
    assert {"B-7", "A7", "-A7", "A-7Z", "AA-7"} <= near


@pytest.mark.parametrize("carrier, number, host", [
    ("UPS", "1Z999AA10123456784", "www.ups.com"),
    ("FedEx Ground", "123456789012", "www.fedex.com"),
    ("usps", "9400111899223197428490", "tools.usps.com"),
    ("DHL Express", "1234567890", "www.dhl.com"),
    ("", "1Z999AA10123456784", "www.ups.com"),
])
def test_tracking_links_per_carrier(carrier, number, host):
    url = tracking_url(carrier, number)
    assert url.startswith(f"https://{host}/") and number in url


def test_no_link_for_an_unknown_carrier_or_number():
    assert tracking_url("Bob's Van", "ABC") is None
    assert tracking_url("UPS", None) is None
    assert carrier_key("Royal Mail", "XYZ") is None
