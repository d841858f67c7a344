"""Issue #14 item 2: no input costs more than it should. The work is bounded by counts
(variants generated, statements run), never by a timing; bench/worst_input.py measures."""

import inspect

import pytest

from store.errors import InputTooLong
from store.lookup import plan
from store.lookup.find import find_customers, find_orders, find_products
from store.lookup.plan import MAX_FUZZY_CHARS, MAX_KEYS, MAX_QUERY_CHARS, classify, neighbours
from tests.support.desk import build
from tests.support.statements import counting


@pytest.fixture
def desk(db):
    return build(db)


def test_no_typo_variants_for_a_token_longer_than_any_real_key():
    assert neighbours("A1" + "B" * (MAX_FUZZY_CHARS - 1)) == []
    assert neighbours("9" * 10_000) == []
    assert len(neighbours("A1" + "B" * (MAX_FUZZY_CHARS - 2))) > 1_000  # 40 still gets them


def test_variants_are_generated_lazily_and_stop_at_the_cap():
    symbols = "A1!$%&*+<=>?@^_~|éèêëàâäôöûüç€£¥§¶ZZZZZZ"
    assert len(symbols) == MAX_FUZZY_CHARS
    assert inspect.isgenerator(plan._variants(symbols))
    assert len(neighbours(symbols, max_variants=100)) == 100
    assert len(neighbours(symbols)) == plan.MAX_VARIANTS


@pytest.mark.parametrize("search", [find_orders, find_customers, find_products])
def test_a_search_longer_than_the_limit_is_refused_naming_the_limit(db, desk, search):
    with pytest.raises(InputTooLong) as refused:
        search(db, query="acme " * (MAX_QUERY_CHARS // 5 + 1))
    assert f"{MAX_QUERY_CHARS:,}" in refused.value.message


def test_a_search_at_the_limit_is_answered(db, desk):
    result = find_orders(db, query=("SO-1042 " + "x" * MAX_QUERY_CHARS)[:MAX_QUERY_CHARS])
    assert result.query


def test_a_pasted_list_of_numbers_probes_at_most_max_keys(db, desk):
    query = " ".join(str(n) for n in range(10_000, 10_300))
    assert len(classify(query).keys) == MAX_KEYS
    with counting(db.engine) as seen:
        find_orders(db, query=query)
    # Each key costs a few probes (exact, then one-typo); 300 keys cost over 1,000 before.
    assert len(seen.sql) <= 60, len(seen.sql)


def test_repeated_keys_are_probed_once():
    assert len(classify("SO-1042 SO-1042 SO-1042").keys) == 1


@pytest.mark.parametrize("typed, ref", [("SO-1O42", "SO-1042"), ("PO-7718", "SO-1042"),
                                        ("1Z999AA10123456785", "SO-1044")])
def test_one_typo_neighbours_go_to_postgresql_as_one_array(db, desk, typed, ref):
    """A typo'd ref, PO or tracking number probes hundreds of one-typo neighbours: as that
    many placeholders psycopg re-parsed each query and PostgreSQL planned a long IN list
    (1M orders: 66-70 ms a lookup, 12-13 ms as one array parameter)."""
    with counting(db.engine) as seen:
        result = find_orders(db, query=typed)
    assert ref in {c.ref for c in result.candidates} | ({result.exact.ref} if result.exact
                                                        else set())
    if db.dialect == "postgresql":
        assert max(statement.count("%(") for statement in seen.sql) <= 20, seen.sql
