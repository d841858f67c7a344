"""Order refs and RMA numbers from the counters table (store.refs)."""

from datetime import UTC, datetime

from sqlalchemy import select

from store.models import Counter, Customer, Order
from store.refs import next_ref, next_rma
from store.seed.demo import seed_demo

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def add_order(session, ref):
    customer = session.scalars(select(Customer)).first()
    if customer is None:
        customer = Customer(code="C1", name="C1", currency="USD")
        session.add(customer)
        session.flush()
    session.add(Order(ref=ref, customer_id=customer.id, currency="USD", ordered_at=NOW))
    session.flush()


def test_refs_start_at_so_100001_and_increase(db):
    with db.write() as s:
        first, second = next_ref(s), next_ref(s)
    with db.write() as s:
        third = next_ref(s)
    assert (first, second, third) == ("SO-100001", "SO-100002", "SO-100003")


def test_refs_already_taken_are_skipped(db):
    with db.write() as s:
        add_order(s, "SO-100001")
        assert next_ref(s) == "SO-100002"
        add_order(s, "SO-100003")
        assert next_ref(s) == "SO-100004"


def test_a_new_counter_starts_past_the_highest_existing_ref(db):
    with db.write() as s:
        add_order(s, "SO-100950")
        add_order(s, "SO-99")
        assert next_ref(s) == "SO-100951"


def test_a_rolled_back_transaction_gives_its_number_back(db):
    try:
        with db.write() as s:
            assert next_ref(s) == "SO-100001"
            raise RuntimeError("abandon")
    except RuntimeError:
        pass
    with db.write() as s:
        assert next_ref(s) == "SO-100001"


def test_rma_numbers_have_their_own_counter(db):
    with db.write() as s:
        assert (next_rma(s), next_ref(s), next_rma(s)) == ("RMA-1001", "SO-100001", "RMA-1002")
        names = sorted(s.scalars(select(Counter.name)))
    assert names == ["order_ref", "rma"]


def test_after_seeding_refs_continue_past_the_seeded_orders(db):
    report = seed_demo(db, orders=300, seed=3, now=NOW)
    with db.write() as s:
        ref, rma = next_ref(s), next_rma(s)
        add_order(s, ref)  # the ORM insert must not collide with the seeded explicit ids
    assert report.last_ref == "SO-100300"
    assert ref == "SO-100301"
    assert rma == f"RMA-{1001 + report.returns}"
