"""Typos on any word of a name: word against word as well as whole names (issue 16 part 2)."""

import pytest

from store.lookup import index as search_index
from store.lookup.find import find_customers, find_orders, find_products
from store.models import Customer, Product
from tests.support.clock import days_ago
from tests.support.desk import add_order


@pytest.fixture
def names(db):
    with db.write() as s:
        s.add_all([Customer(code=code, name=name, currency="USD") for code, name in (
            ("GLOBEX", "Globex Corporation"), ("INITECH", "Initech"),
            ("MUELLER", "Müller Maschinenbau GmbH"), ("ACME", "Acme Corporation"))])
        s.add_all([Product(sku=sku, name=name, unit_price_minor=100, currency="USD")
                   for sku, name in (("MTR-1001-BL", "Motor 1001, Blue"),
                                     ("VLV-2002-BL", "Marine Valve 2002, Blue"),
                                     ("BRG-3854-BL", "Compact Bearing 3854, Blue"),
                                     ("BRG-3855-RD", "Bearing 3855, Red"))])
        s.flush()
        globex = s.query(Customer).filter_by(code="GLOBEX").one()
        add_order(s, "SO-2001", globex.id, days_ago(1), lines=[("MTR-1001-BL", None, 1, 100)])


@pytest.fixture(params=[False, True], ids=["wratio", "prefiltered"])
def branch(request, db, monkeypatch):
    """Both branches of the name index: WRatio over all names, and the large-index prefilter."""
    if request.param:
        monkeypatch.setattr(search_index, "WRATIO_MAX_NAMES", 1)
    search_index.invalidate(db)


@pytest.mark.parametrize("query", ["glbex", "globx corporation", "Globex Corportion",
                                   "glboex"])
def test_one_edit_in_any_word_finds_the_customer(db, names, branch, query):
    assert [m.code for m in find_customers(db, query=query)][:1] == ["GLOBEX"]


def test_a_typo_in_the_second_word_finds_the_customer(db, names, branch):
    assert [m.code for m in find_customers(db, query="muller maschinebau")][:1] == ["MUELLER"]
    assert [m.code for m in find_customers(db, query="acme corporaton")][:1] == ["ACME"]


def test_order_lookup_of_glbex_lists_globex_orders(db, names, branch):
    result = find_orders(db, query="glbex")
    assert [c.ref for c in result.candidates] == ["SO-2001"]
    assert result.candidates[0].customer_name == "Globex Corporation"


@pytest.mark.parametrize("query", ["qzxwvk", "zzkrpt fwq", "xjqv", "bnmzqq plokr"])
def test_nonsense_finds_nothing(db, names, branch, query):
    assert find_customers(db, query=query) == ()
    assert find_products(db, query=query) == ()
    result = find_orders(db, query=query)
    assert result.exact is None and result.candidates == ()


def test_blue_bearing_ranks_the_blue_bearing_before_motors_and_valves(db, names, branch):
    found = find_products(db, query="blue bearing")
    assert found[0].sku == "BRG-3854-BL"
    others = {m.sku: m.score for m in found[1:]}
    assert all(score < found[0].score for score in others.values())


def test_the_prefilter_and_the_close_words_kept_give_the_answers_computed_afresh(
        db, names, monkeypatch):
    """The prefilter's pre-sorted names score as token_sort_ratio does, and a word's close
    words remembered by the snapshot (at most MAX_CLOSE_KEPT, then forgotten at once) are the
    ones computed again."""
    from rapidfuzz import fuzz, process

    monkeypatch.setattr(search_index, "MAX_CLOSE_KEPT", 2)
    snap = search_index.snapshot(db)
    for text in ("globex corporation", "corporation mueller", "maschinenbau", "gmbh acme"):
        assert [(s, i) for _n, s, i in process.extract(
            search_index._sorted_words(text), snap.sorted_names, scorer=fuzz.ratio,
            processor=None)] == [(s, i) for _n, s, i in process.extract(
                text, snap.names, scorer=fuzz.token_sort_ratio, processor=None)]
    first = search_index.match_names(snap, "glbex corporation", limit=5, cutoff=60)
    assert set(snap.name_words.close) == {"glbex", "corporation"}
    assert search_index.match_names(snap, "glbex corporation", limit=5, cutoff=60) == first
    search_index.match_names(snap, "initech", limit=5, cutoff=60)
    assert set(snap.name_words.close) == {"initech"}  # full: forgotten, then kept anew
    snap.name_words.close.clear()
    assert search_index.match_names(snap, "glbex corporation", limit=5, cutoff=60) == first


def test_close_words_read_by_length_are_those_of_all_the_words_in_their_order():
    """_close_words reads only the words whose length can reach WORD_CUTOFF: the same hits, in
    the same order (ties by position), as process.extract over every word, at the lengths'
    edges (exactly 80) and with more ties than WORD_HITS."""
    import random

    from rapidfuzz import fuzz, process

    rnd = random.Random(23)
    letters = "abcdefghijklmnopqrstuvwxyzäöüß"
    made = ["".join(rnd.choice(letters[:6]) for _ in range(rnd.randint(1, 16)))
            for _ in range(3000)]
    edges = ["abcd", "abcdefghi", "abcdefghij", "abc"]  # 80, 80, below, below for "abcdef"
    ties = [f"bearin{c}" for c in letters]  # one letter off "bearing" each: 85.7 apiece
    index = search_index._word_index(made + edges + ties)
    for word in ["abcdef", "bearing", "ßäöü", *rnd.sample(made, 300)]:
        if len(word) < search_index.FUZZY_WORD_MIN:
            continue
        expected = process.extract(word, index.words, scorer=fuzz.ratio, processor=None,
                                   limit=search_index.WORD_HITS,
                                   score_cutoff=search_index.WORD_CUTOFF)
        assert search_index._close_words(index, word) == expected, word
    assert {w for w, _s, _i in index.close["abcdef"]} >= {"abcd", "abcdefghi"}
    assert len(index.close["bearing"]) == search_index.WORD_HITS
