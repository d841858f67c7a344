"""/order <anything>: each kind of key, typos, mixes, and the no-match answer."""

import threading
import time

import pytest
from sqlalchemy import delete, select, update

from store.db import Database, make_engine
from store.lookup import index as search_index
from store.lookup.find import find_customers, find_orders, find_products
from store.models import Customer, Order, Product, SearchIndexVersion
from store.records import candidates_of_customers
from tests.support.clock import days_ago
from tests.support.desk import add_order, build


@pytest.fixture
def desk(db):
    return build(db)


@pytest.mark.parametrize("query", ["SO-1042", "so-1042", "so 1042", "1042", "#1042", " SO1042 "])
def test_an_order_ref_in_any_usual_spelling_opens_the_order(db, desk, query):
    result = find_orders(db, query=query)
    assert result.exact is not None and result.exact.ref == "SO-1042"
    assert result.candidates == ()
    assert "order refs" in result.searched


@pytest.mark.parametrize("query", ["SO-１０４２", "ＳＯ－１０４２", "SO-١٠٤٢", "１０４２", "so ۱۰۴۲"])
def test_a_ref_typed_in_full_width_or_other_digits_opens_its_order(db, desk, query):
    """A Japanese keyboard left in full-width mode, an Arabic or Persian one's digits: the ref
    was 'Nothing found'."""
    result = find_orders(db, query=query)
    assert result.exact is not None and result.exact.ref == "SO-1042"


@pytest.mark.parametrize("query", ["PO-7781", "po-7781", "PO 7781", "4500012345", "PO-７７８１",
                                   "４５０００１２３４５"])
def test_a_po_number_opens_its_order(db, desk, query):
    result = find_orders(db, query=query)
    assert result.exact is not None
    assert result.exact.po_number in ("PO-7781", "4500012345")


@pytest.mark.parametrize("query", ["1Z999AA10123456784", "1z999aa10123456784",
                                   "1Z 999 AA1 01 2345 6784"])
def test_a_tracking_number_opens_the_shipped_order(db, desk, query):
    result = find_orders(db, query=query)
    assert result.exact is not None and result.exact.ref == "SO-1044"
    assert result.exact.shipments[0].tracking_url.startswith("https://www.ups.com/")


def test_a_customer_name_lists_that_customers_orders_newest_first(db, desk):
    result = find_orders(db, query="acme corp")
    assert result.exact is None
    assert [c.ref for c in result.candidates] == ["SO-1045", "SO-1042"]
    assert all(c.customer_name == "Acme Corporation" for c in result.candidates)
    assert result.candidates[0].matched_on == "customer name ~ 'acme corp'"
    assert result.candidates[1].total_minor == 2 * 1250 + 4500 + 995


def test_a_typo_in_a_customer_name_still_finds_the_customer(db, desk):
    result = find_orders(db, query="Beta Industral Suply")
    assert {c.ref for c in result.candidates} == {"SO-1043", "SO-1044"}
    assert result.candidates[0].score >= 75


@pytest.mark.parametrize("name, typed", [
    ("Nguyễn Thương Mại", "Nguyen Thuong Mai"),          # Vietnamese, typed without marks
    ("Łódź Hurtownia Spółka", "Lodz Hurtownia Spolka"),  # Polish
    ("Ελληνική Εμπορική", "Ελληνικη Εμπορικη"),           # Greek without its accents
    ("Nguyen Thuong Mai", "Nguyễn Thương Mại"),           # stored plain, typed with marks
])
def test_a_name_is_found_with_or_without_its_accents(db, desk, name, typed):
    """'Nguyen Thuong Mai' scored 76 against 'Nguyễn Thương Mại', under the threads' cutoff."""
    with db.write() as s:
        customer = Customer(code="MARKS", name=name, currency="USD")
        s.add(customer)
        s.flush()
        add_order(s, "SO-3100", customer.id, days_ago(3, 0), lines=[("WID-1042-BL", None, 1, 1250)])
    found = find_orders(db, query=typed).candidates
    assert [c.ref for c in found] == ["SO-3100"] and found[0].score >= 95


def test_kana_keep_their_voicing_marks(db, desk):
    """か and が are different sounds: folding marks must not make them one name."""
    assert search_index.fold_marks("がっこう") == "がっこう"
    assert search_index.fold_marks("Łódź Đặng") == "Lodz Dang"  # Ł and Đ: no decomposition


def test_a_customer_code_lists_that_customers_orders(db, desk):
    result = find_orders(db, query="globex")
    assert [c.ref for c in result.candidates] == ["SO-1046"]
    assert result.candidates[0].matched_on == "customer code GLOBEX"


def test_a_sku_lists_orders_that_carry_it(db, desk):
    result = find_orders(db, query="wid-1042-bl")
    assert [c.ref for c in result.candidates] == ["SO-1046", "SO-1042"]
    assert result.candidates[0].matched_on == "SKU WID-1042-BL"
    assert "SKUs" in result.searched


def test_a_typo_in_a_sku_finds_the_close_sku(db, desk):
    result = find_orders(db, query="WID-1024-BL")
    assert {c.ref for c in result.candidates} == {"SO-1042", "SO-1046"}
    assert "SKU WID-1042-BL ~ 'WID-1024-BL'" == result.candidates[0].matched_on


def test_an_unknown_sku_on_an_order_line_is_found_exactly(db, desk):
    result = find_orders(db, query="NOPE-1")
    assert [c.ref for c in result.candidates] == ["SO-1045"]


def test_a_ref_one_typo_away_is_offered_not_opened(db, desk):
    result = find_orders(db, query="SO-10422")
    assert result.exact is None
    assert [c.ref for c in result.candidates] == ["SO-1042"]
    assert result.candidates[0].matched_on == "order ref ~ 'SO-10422'"


def test_a_po_one_typo_away_is_offered(db, desk):
    result = find_orders(db, query="PO-7871")
    assert [c.ref for c in result.candidates] == ["SO-1042"]
    assert result.candidates[0].matched_on.startswith("PO ~")


def test_a_name_and_a_sku_together_narrow_to_orders_with_both(db, desk):
    result = find_orders(db, query="acme corp WID-1042-BL")
    assert [c.ref for c in result.candidates] == ["SO-1042"]
    assert result.candidates[0].matched_on == "customer name ~ 'acme corp' + SKU WID-1042-BL"


def test_a_number_shared_by_two_orders_is_narrowed_by_the_customer_name(db, desk):
    with db.write() as s:
        add_order(s, "SO-7781", desk["BETA"], days_ago(1, 0),
                  lines=[("GIZ-2001-RD", None, 1, 4500)], po="1042")
    both = find_orders(db, query="1042")
    assert both.exact is None
    assert {c.ref for c in both.candidates} == {"SO-1042", "SO-7781"}
    assert find_orders(db, query="beta 1042").exact.ref == "SO-7781"


def test_nothing_found_says_what_was_searched(db, desk):
    result = find_orders(db, query="zzqxv")
    assert result.exact is None and result.candidates == ()
    assert result.searched == ("customer codes", "customer names")
    by_number = find_orders(db, query="99999999")
    assert by_number.candidates == ()
    assert {"order refs", "PO numbers", "SKUs"} <= set(by_number.searched)


def test_an_empty_query_searches_nothing(db, desk):
    assert find_orders(db, query="   ").searched == ()


def test_the_limit_caps_the_candidates(db, desk):
    with db.write() as s:
        for n in range(8):
            add_order(s, f"SO-20{n}", desk["ACME"], days_ago(55 - n, 0),
                      lines=[("WID-1042-BL", None, 1, 1250)])
    assert len(find_orders(db, query="acme", limit=5).candidates) == 5
    assert len(find_orders(db, query="acme", limit=3).candidates) == 3


def test_a_customer_added_after_a_lookup_is_found_at_once(db, desk):
    assert find_orders(db, query="Initech").candidates == ()
    with db.write() as s:
        customer = Customer(code="INI", name="Initech", currency="USD")
        s.add(customer)
        s.flush()
        add_order(s, "SO-3000", customer.id, days_ago(24, 0),
                  lines=[("WID-1042-BL", None, 1, 1250)])
    assert [c.ref for c in find_orders(db, query="initech").candidates] == ["SO-3000"]


@pytest.fixture
def other_process(db):
    """The same database as another web process sees it: its own engine and its own index."""
    other = Database(make_engine(db.engine.url.render_as_string(hide_password=False)))
    yield other
    other.engine.dispose()


def test_a_rename_by_another_process_is_found_at_the_next_search(db, desk, other_process):
    assert find_orders(other_process, query="umbrella").candidates == ()  # its index is built
    with db.write() as s:  # a Core update, as the customers import writes
        s.execute(update(Customer).where(Customer.id == desk["GLOBEX"])
                  .values(name="Umbrella Holdings"))
    assert [c.ref for c in find_orders(other_process, query="umbrella").candidates] == [
        "SO-1046"]
    renamed = {m.code: m.name for m in find_customers(other_process, query="umbrella")}
    assert renamed.get("GLOBEX") == "Umbrella Holdings"


def test_products_renamed_retired_or_removed_elsewhere_are_seen(db, desk, other_process):
    assert find_products(other_process, query="bracket stainless")[0].sku == "BRK-3003-SS"
    with db.write() as s:
        s.execute(update(Product).where(Product.sku == "BRK-3003-SS")
                  .values(name="Hinge Plate, Stainless", active=False))
    hinge = find_products(other_process, query="hinge plate")[0]
    assert (hinge.sku, hinge.active) == ("BRK-3003-SS", False)
    with db.write() as s:
        s.add(Product(sku="NEW-0001-GR", name="Grommet Kit", unit_price_minor=100,
                      currency="USD"))
    assert find_products(other_process, query="grommet kit")[0].sku == "NEW-0001-GR"
    with db.write() as s:
        s.execute(delete(Product).where(Product.sku == "NEW-0001-GR"))
    assert "NEW-0001-GR" not in {m.sku for m in find_products(other_process,
                                                               query="grommet kit")}


def test_only_a_change_of_what_the_index_holds_moves_its_version(db, desk):
    def version() -> int:
        with db.read() as s:
            return s.scalar(select(SearchIndexVersion.version)) or 0

    before = version()
    with db.write() as s:  # a re-import writing the same values, and columns the index ignores
        s.execute(update(Customer).values(name=Customer.name, phone="+1 555 0100"))
        s.execute(update(Product).values(unit_price_minor=Product.unit_price_minor + 1))
    assert version() == before
    with db.write() as s:  # one transaction renaming two customers: counted (at least) once
        s.execute(update(Customer).where(Customer.id == desk["GLOBEX"]).values(name="G2"))
        s.execute(update(Customer).where(Customer.id != desk["GLOBEX"])
                  .values(code=Customer.code + "-X"))
    assert version() > before


def test_find_customers_puts_the_exact_code_first(db, desk):
    matches = find_customers(db, query="beta")
    assert matches[0].code == "BETA" and matches[0].score == 100.0
    typo = find_customers(db, query="Globx")
    assert typo[0].code == "GLOBEX" and 60 <= typo[0].score < 100


def test_find_products_by_sku_typo_and_by_name(db, desk):
    assert find_products(db, query="wid1042bl")[0].sku == "WID-1042-BL"
    assert find_products(db, query="wid1042bl")[0].score == 100.0
    assert find_products(db, query="GIZ-2010-RD")[0].sku == "GIZ-2001-RD"
    by_name = find_products(db, query="bracket stainless")
    assert by_name[0].sku == "BRK-3003-SS"
    old = [m for m in find_products(db, query="old widget") if m.sku == "OLD-0001-BK"]
    assert old and old[0].active is False


def test_past_the_wratio_limit_names_are_prefiltered_and_still_found(db, desk, monkeypatch):
    monkeypatch.setattr(search_index, "WRATIO_MAX_NAMES", 2)
    search_index.invalidate(db)
    assert search_index.snapshot(db).name_words.words  # the word index was built
    assert {c.ref for c in find_orders(db, query="Beta Industral Suply").candidates} == {
        "SO-1043", "SO-1044"}
    assert [m.code for m in find_customers(db, query="globx ltd")][:1] == ["GLOBEX"]
    assert [m.code for m in find_customers(db, query="industrial")][:1] == ["BETA"]


def test_lookup_and_edit_work_on_an_in_memory_database():
    """One shared connection (StaticPool): the fuzzy index must not open a second transaction."""
    from store.db import open_database
    from store.models import Base
    from store.orders.operations import OrderEdit, edit_order

    memory = open_database("sqlite://")
    Base.metadata.create_all(memory.engine)
    build(memory)
    assert [c.ref for c in find_orders(memory, query="globex ltd").candidates] == ["SO-1046"]
    assert find_customers(memory, query="Acme Corporation")[0].code == "ACME"
    order = find_orders(memory, query="SO-1042").exact
    saved = edit_order(memory, ref="SO-1042", actor="U0PROC1", expected_version=order.version,
                       changes=OrderEdit(shipping_instructions="Dock 4"))
    assert saved.order.shipping_instructions == "Dock 4"
    memory.dispose()


def test_a_bare_number_two_orders_answer_to_offers_both(db, desk):
    # An imported ref '1042' next to our 'SO-1042': '1042' names both, so neither opens;
    # 'SO-1042' says which.
    with db.write() as s:
        add_order(s, "1042", desk["BETA"], days_ago(0, 0), lines=[])
    result = find_orders(db, query="1042")
    assert result.exact is None
    assert sorted(c.ref for c in result.candidates) == ["1042", "SO-1042"]
    assert find_orders(db, query="SO-1042").exact.ref == "SO-1042"


def test_a_long_list_says_its_total_and_pages_both_ways(db, desk):
    """#15.10: `/order` search stopped at 5 results with no total and no way on."""
    with db.write() as s:
        acme = s.query(Customer).filter_by(code="ACME").one().id
        for n in range(8):
            add_order(s, f"SO-20{n:02d}", acme, days_ago(10 + n), lines=[])
    first = find_orders(db, query="acme corp")
    assert (len(first.candidates), first.total, first.offset) == (5, 10, 0)
    second = find_orders(db, query="acme corp", offset=5)
    assert (len(second.candidates), second.total, second.offset) == (5, 10, 5)
    assert not {c.ref for c in first.candidates} & {c.ref for c in second.candidates}


def test_the_customers_orders_come_ranked_as_shown_and_no_more_than_asked(db, desk):
    """Score as a candidate shows it (one decimal), then newest first across customers; ties
    in the customers' order. The rows beyond the page are not read (each customer's newest
    `limit` were, 22 rows for a page of 5); the total still counts every order."""
    with db.write() as s:
        north, south, west = (Customer(code=code, name=f"{code.title()} Supply", currency="USD")
                              for code in ("NORTH", "SOUTH", "WEST"))
        s.add_all([north, south, west])
        s.flush()
        for n, (who, days) in enumerate([(north, 1), (south, 2), (north, 3), (south, 3),
                                          (west, 0), (west, 0), (north, 9)]):
            add_order(s, f"RK-{n}", who.id, days_ago(days), lines=[])
    scored = {north.id: (88.04, "north"), south.id: (87.96, "south"), west.id: (60.0, "west")}
    with db.read() as s:
        found, total = candidates_of_customers(s, scored, 4)
    assert [c.ref for c in found] == ["RK-0", "RK-1", "RK-2", "RK-3"]
    assert [c.score for c in found] == [88.0] * 4
    assert total == 7
    with db.read() as s:
        found, total = candidates_of_customers(s, scored, 7)
    assert [c.ref for c in found] == ["RK-0", "RK-1", "RK-2", "RK-3", "RK-6", "RK-5", "RK-4"]


def test_a_rename_racing_another_writer_on_postgresql_waits_for_no_one(db, desk, other_process):
    """Each transaction counts its renames at commit: had the first rename taken the count's
    row lock, this interleaving would deadlock (A holds the count and waits for the order B
    holds; B renames and waits for the count)."""
    if db.is_sqlite:
        pytest.skip("SQLite runs one writer at a time: there is no lock order to race")
    find_orders(other_process, query="acme")  # its index is built before the renames
    a_renamed, b_holds_order = threading.Event(), threading.Event()
    failures: list[Exception] = []
    bump_order = update(Order).where(Order.ref == "SO-1042").values(
        shipping_minor=Order.shipping_minor + 1)

    def rename_then_edit() -> None:
        try:
            with db.write() as s:
                s.execute(update(Customer).where(Customer.id == desk["ACME"])
                          .values(name="Acme Renamed"))
                a_renamed.set()
                b_holds_order.wait(10)
                s.execute(bump_order)  # waits for B's commit
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    def edit_then_rename() -> None:
        try:
            a_renamed.wait(10)
            with db.write() as s:
                s.execute(bump_order)
                b_holds_order.set()
                time.sleep(0.5)  # A is now waiting for this order
                s.execute(update(Customer).where(Customer.id == desk["BETA"])
                          .values(name="Beta Renamed"))
        except Exception as error:  # noqa: BLE001
            failures.append(error)

    threads = [threading.Thread(target=rename_then_edit), threading.Thread(target=edit_then_rename)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    names = {m.name for m in find_customers(other_process, query="renamed")}
    assert {"Acme Renamed", "Beta Renamed"} <= names


@pytest.mark.parametrize("query, total", [
    ("GIZ-2001-RD", 14),  # SO-1042, SO-1043 and Globex's twelve, each once for its two lines
    ("Globex BRK-3003-SS", 15),  # Globex's thirteen orders and the SKU's two: none is both
    ("Acme GIZ-2001-RD", 1),  # SO-1042 is both: only those count
])
def test_a_sku_search_counts_each_order_once_and_either_as_the_sum_when_none_is_both(
        db, desk, query, total):
    """More orders than a page, so the count is the statement's, not the candidates shown."""
    with db.write() as s:
        giz = s.scalar(select(Product.id).where(Product.sku == "GIZ-2001-RD"))
        for n in range(12):
            add_order(s, f"SO-20{n:02d}", desk["GLOBEX"], days_ago(1),
                      lines=[("GIZ-2001-RD", giz, 1, 4500), ("GIZ-2001-RD", giz, 2, 4500)])
    found = find_orders(db, query=query)
    assert (found.total, len(found.candidates)) == (total, min(total, 5))


@pytest.mark.parametrize("query", ["PO-5500", "po 5500", "PO5500"])
def test_a_po_shared_by_many_orders_counts_them_all_and_pages_through_them(db, desk, query):
    """A PO a customer reuses on every order (SAP's one blanket PO): the first page says how
    many there are, so it offers Next, and the pages together hold every one of them."""
    with db.write() as s:
        for n in range(12):
            add_order(s, f"BL-{n}", desk["ACME"], days_ago(n), lines=[], po="PO-5500")
    first = find_orders(db, query=query)
    assert first.exact is None and first.total == 12
    # each says what it matched as stored, whatever the spelling typed
    assert {c.matched_on for c in first.candidates} == {"PO PO-5500"}
    assert [c.ref for c in first.candidates] == [f"BL-{n}" for n in range(5)]
    seen = [c.ref for offset in (0, 5, 10)
            for c in find_orders(db, query=query, offset=offset).candidates]
    assert sorted(seen) == sorted(f"BL-{n}" for n in range(12))


@pytest.mark.parametrize("query", ["ΠΑΡ-1", "PO ΠΑΡ-1", "po παρ-1", "PO-ΠΑΡ-1"])
def test_a_po_in_another_script_is_found_with_or_without_po_before_it(db, desk, query):
    """Only the bare PO was found: 'PO ΠΑΡ-1' became a code nothing had."""
    with db.write() as s:
        add_order(s, "HX-2001", desk["ACME"], days_ago(1), lines=[], po="ΠΑΡ-1")
    result = find_orders(db, query=query)
    assert result.exact is not None and result.exact.ref == "HX-2001"
