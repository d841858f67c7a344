"""Demo data: deterministic, every state, real problems, non-ASCII, refuses a non-empty DB."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from store.customers.view import credit_used
from store.db import Database, make_engine
from store.enums import FulfilmentStatus, HoldReason, OrderStatus, PaymentStatus
from store.models import (
    Base,
    Customer,
    CustomerPrice,
    Order,
    OrderHold,
    OrderLine,
    Product,
    Return,
    Shipment,
    StockLevel,
)
from store.seed.demo import DatabaseNotEmpty, seed_demo
from store.seed.reference import HOSTILE_NAMES
from store.seed.shipping import _ups_check
from store.triage.checks import findings_for
from store.triage.facts import _exposure
from tests.support.indexes import described_indexes, index_definitions

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ORDERS = 5000


@pytest.fixture(scope="module")
def seeded(_schema_engine, tmp_path_factory):
    """One seeded database shared by the read-only tests of this module (on SQLite or, when
    configured, PostgreSQL); emptied again afterwards."""
    if _schema_engine.dialect.name == "postgresql":
        Base.metadata.drop_all(_schema_engine)
        Base.metadata.create_all(_schema_engine)
        engine = _schema_engine
    else:
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('seed') / 'seed.sqlite3'}")
        Base.metadata.create_all(engine)
    db = Database(engine)
    report = seed_demo(db, orders=ORDERS, seed=7, now=NOW)
    yield db, report
    if engine is _schema_engine:
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
    else:
        engine.dispose()


def snapshot(db) -> list:
    with db.read() as s:
        orders = s.execute(select(
            Order.ref, Customer.code, Customer.name, Order.po_number, Order.ordered_at,
            Order.status, Order.fulfilment_status, Order.payment_status, Order.ship_postal_code,
        ).join(Customer).order_by(Order.ref)).all()
        totals = s.execute(select(OrderLine.order_id, func.sum(
            OrderLine.quantity * OrderLine.unit_price_minor)).group_by(OrderLine.order_id)
            .order_by(OrderLine.order_id)).all()
        tracking = list(s.scalars(select(Shipment.tracking_number).order_by(Shipment.id)))
        stock = s.execute(select(StockLevel.product_id, StockLevel.warehouse_id,
                                 StockLevel.on_hand, StockLevel.reserved)
                          .order_by(StockLevel.id)).all()
    return [orders, totals, tracking, stock]


def test_the_same_seed_gives_the_same_data(seeded, tmp_path):
    db, report = seeded
    other = Database(make_engine(f"sqlite:///{tmp_path / 'again.sqlite3'}"))
    Base.metadata.create_all(other.engine)
    again = seed_demo(other, orders=ORDERS, seed=7, now=NOW)
    assert snapshot(other) == snapshot(db)
    assert (again.order_lines, again.problems) == (report.order_lines, report.problems)


def test_another_seed_gives_other_data(seeded, tmp_path):
    db, _ = seeded
    other = Database(make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}"))
    Base.metadata.create_all(other.engine)
    seed_demo(other, orders=ORDERS, seed=8, now=NOW)
    assert snapshot(other)[0] != snapshot(db)[0]


def test_sizes_refs_and_report(seeded):
    db, report = seeded
    with db.read() as s:
        refs = list(s.scalars(select(Order.ref).order_by(Order.id)))
        customers = s.scalar(select(func.count()).select_from(Customer))
        products = s.scalar(select(func.count()).select_from(Product))
        lines = s.scalar(select(func.count()).select_from(OrderLine))
        per_order = s.execute(select(func.min(OrderLine.line_no), func.max(OrderLine.line_no))
                              ).one()
    assert refs == [f"SO-{100001 + n}" for n in range(ORDERS)]
    assert (customers, products, lines) == (50, 200, report.order_lines)
    assert (report.first_ref, report.last_ref) == ("SO-100001", "SO-105000")
    assert per_order[0] == 1 and 8 <= per_order[1] <= 9  # 1-8 lines, +1 over-stock line
    assert "5,000 orders" in report.summary_line()


def test_every_state_on_every_axis_is_present_and_fits_the_age(seeded):
    db, _ = seeded
    with db.read() as s:
        rows = s.execute(select(Order.status, Order.fulfilment_status, Order.payment_status,
                                Order.ordered_at)).all()
        shipped_without_shipment = s.scalar(select(func.count()).select_from(Order).where(
            Order.fulfilment_status.in_([FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED]),
            ~select(Shipment.id).where(Shipment.order_id == Order.id).exists()))
        late_delivery = s.scalar(select(func.max(Shipment.delivered_at)))
    assert {r.status for r in rows} == set(OrderStatus)
    assert {r.fulfilment_status for r in rows} == set(FulfilmentStatus)
    assert {r.payment_status for r in rows} == set(PaymentStatus)
    assert shipped_without_shipment == 0
    assert late_delivery <= NOW
    assert min(r.ordered_at for r in rows) >= NOW - timedelta(days=90)
    assert max(r.ordered_at for r in rows) <= NOW
    old = [r for r in rows if r.ordered_at < NOW - timedelta(days=30)]
    recent = [r for r in rows if r.ordered_at > NOW - timedelta(days=1)]
    delivered_share = sum(r.fulfilment_status == FulfilmentStatus.DELIVERED for r in old)
    assert delivered_share / len(old) > 0.8
    assert not any(r.fulfilment_status == FulfilmentStatus.DELIVERED for r in recent)
    weekdays = Counter(r.ordered_at.weekday() for r in rows)
    assert weekdays[1] > 3 * weekdays[6]  # Tuesdays are busier than Sundays


def test_holds_returns_and_shipments_look_real(seeded):
    db, _ = seeded
    with db.read() as s:
        holds = s.execute(select(OrderHold.reason, OrderHold.released_at.is_(None))).all()
        returns = list(s.scalars(select(Return.rma)))
        shipments = s.execute(select(Shipment.carrier, Shipment.tracking_number)).all()
    assert {reason for reason, _ in holds} >= {HoldReason.AWAITING_PAYMENT,
                                                 HoldReason.INCORRECT_ADDRESS}
    assert {active for _, active in holds} == {True, False}
    assert returns and all(r.startswith("RMA-1") for r in returns)
    assert {carrier for carrier, _ in shipments} == {"UPS", "FedEx", "USPS", "DHL"}
    ups = [t for c, t in shipments if c == "UPS"]
    assert all(len(t) == 18 and t.startswith("1Z") and int(t[-1]) == _ups_check(t[2:-1])
               for t in ups)
    assert all(len(t) == 22 and t.startswith("9400") for c, t in shipments if c == "USPS")


def test_real_problems_are_present(seeded):
    db, report = seeded
    with db.read() as s:
        unknown = s.scalar(select(func.count()).select_from(OrderLine)
                           .where(OrderLine.product_id.is_(None)))
        negotiated = select(CustomerPrice.unit_price_minor).where(
            CustomerPrice.product_id == OrderLine.product_id,
            CustomerPrice.customer_id == Order.customer_id).scalar_subquery()
        off_price = s.scalar(select(func.count()).select_from(OrderLine)
                             .join(Order).join(Product)
                             .where(OrderLine.unit_price_minor != func.coalesce(
                                 negotiated, Product.unit_price_minor)))
        over_stock = s.scalar(select(func.count()).select_from(OrderLine).join(Order).where(
            Order.status == OrderStatus.OPEN,
            OrderLine.quantity > select(func.max(StockLevel.on_hand)).where(
                StockLevel.product_id == OrderLine.product_id).scalar_subquery()))
        bad_address = s.scalar(select(func.count()).select_from(Order).where(
            (Order.ship_postal_code.is_(None)) | (Order.ship_city.is_(None))
            | (Order.ship_line1.is_(None))))
        failed = s.scalar(select(func.count()).select_from(Order).where(
            Order.status == OrderStatus.OPEN, Order.payment_status == PaymentStatus.FAILED))
        duplicates = s.execute(select(Order.customer_id, Order.po_number)
                               .where(Order.po_number.is_not(None))
                               .group_by(Order.customer_id, Order.po_number)
                               .having(func.count() > 1)).all()
    assert unknown > 0 and off_price > 0 and over_stock > 0 and bad_address > 0
    assert failed > 0 and duplicates
    assert set(report.problems) == {"bad_address", "duplicate", "failed_payment", "over_stock",
                                    "unknown_sku", "unusual", "wrong_price"}


def test_planted_unusual_orders_are_open_and_found_by_the_check(seeded):
    db, report = seeded
    planted = report.problem_orders["unusual"]
    assert len(planted) == report.problems["unusual"] == 20
    with db.read() as s:
        found = {f.order_id for f in findings_for(s, list(planted))
                 if f.fingerprint.startswith("unusual_order:unusual:")}
    assert len(found) >= 16, sorted(set(planted) - found)


def test_reserved_stock_matches_the_allocated_lines(seeded):
    db, _ = seeded
    with db.read() as s:
        stock = {(p, w): r for p, w, r in s.execute(select(
            StockLevel.product_id, StockLevel.warehouse_id, StockLevel.reserved))}
        lines = {(p, w): total for p, w, total in s.execute(select(
            OrderLine.product_id, OrderLine.warehouse_id, func.sum(OrderLine.quantity_reserved))
            .where(OrderLine.quantity_reserved > 0)
            .group_by(OrderLine.product_id, OrderLine.warehouse_id))}
    assert lines and {k: v for k, v in stock.items() if v} == lines


def test_names_are_international_and_two_are_hostile(seeded):
    db, _ = seeded
    with db.read() as s:
        names = list(s.scalars(select(Customer.name)))
        reps = set(s.scalars(select(Customer.sales_rep_id)))
        order_reps = Counter(s.scalars(select(Order.sales_rep_id)))
        countries = set(s.scalars(select(Order.ship_country)))
    assert set(HOSTILE_NAMES) <= set(names)
    assert sum(not name.isascii() for name in names) >= 5
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"
               for name in names for ch in name)  # Japanese
    assert {"U0SALES1", "U0SALES2"} <= reps
    assert order_reps["U0SALES1"] > 1000 and order_reps["U0SALES2"] > 1000
    assert {"US", "DE", "FR", "ES", "JP"} <= countries


def test_seeding_a_database_that_has_data_is_refused(seeded):
    db, _ = seeded
    with pytest.raises(DatabaseNotEmpty, match="already has 5,000 orders"):
        seed_demo(db, orders=10, seed=1, now=NOW)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == ORDERS


def test_the_names_the_readme_uses_are_in_the_demo_data(seeded):
    db, _ = seeded
    with db.read() as s:
        names = set(s.scalars(select(Customer.name)))
    assert {"Acme Corporation", "Globex Ltd", "Initech"} <= names


def test_every_demo_return_waiting_on_a_manager_has_its_approval_request(seeded):
    """#15.3: demo RMAs sat in awaiting_approval (or requested) with no request anywhere."""
    from store.enums import ApprovalStatus, ReturnStatus
    from store.models import Approval
    db, _ = seeded
    with db.read() as s:
        waiting = s.execute(select(Return.id, Return.status).where(Return.status.not_in(
            [ReturnStatus.CLOSED, ReturnStatus.RECEIVED]))).all()
        asked = dict(s.execute(select(Approval.return_id, Approval.kind).where(
            Approval.status == ApprovalStatus.PENDING)).all())
    assert waiting and {status for _, status in waiting} == {ReturnStatus.AWAITING_APPROVAL}
    assert {rid for rid, _ in waiting} == set(asked)
    assert {kind.value for kind in asked.values()} <= {"late_return", "refund"}


def test_a_demo_refund_asks_a_manager_only_above_the_threshold(seeded):
    """The demo desk asked managers to approve refunds of $0.00 and $13.40: returns of recent
    shipments, within the window, under the $250 the rules ask about."""
    from store.enums import ApprovalKind, ApprovalStatus
    from store.fulfilment import RULES
    from store.models import Approval
    db, _ = seeded
    with db.read() as s:
        refunds = s.scalars(select(Approval.amount_minor).where(
            Approval.status == ApprovalStatus.PENDING, Approval.kind == ApprovalKind.REFUND)).all()
    assert all(amount > RULES.refund_approval_minor for amount in refunds), refunds


def test_the_seeded_facts_are_what_the_facts_sql_makes_of_the_orders(seeded):
    """The seed writes the digest's facts rows from its own tuples (store.seed.facts); the
    set-wise SQL every other writer uses must find nothing to change in them."""
    from sqlalchemy import delete

    from store.facts import refresh_order_facts
    from store.models import OrderReceivedFacts, OrderShipFacts

    db, report = seeded

    def facts():
        with db.read() as s:
            return [s.execute(select(*model.__table__.columns).order_by(model.order_id)).all()
                    for model in (OrderReceivedFacts, OrderShipFacts)]

    seeded_facts = facts()
    assert len(seeded_facts[0]) > 0.9 * ORDERS and len(seeded_facts[1]) > 0.8 * ORDERS
    with db.write() as s:
        s.execute(delete(OrderReceivedFacts))
        s.execute(delete(OrderShipFacts))
        refresh_order_facts(s, id_range=(1, report.orders))
    assert facts() == seeded_facts


def test_the_seed_leaves_every_index_and_foreign_key_in_place(seeded):
    """Indexes (and PostgreSQL's foreign keys) are set aside during the bulk load: all back."""
    from sqlalchemy import inspect

    db, _ = seeded
    inspector = inspect(db.engine)
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            keys = {(tuple(k["constrained_columns"]), k["referred_table"])
                    for k in inspector.get_foreign_keys(table.name)}
            assert keys == {(tuple(c.name for c in k.columns), k.referred_table.name)
                            for k in table.foreign_key_constraints}, table.name
            assert set(index_definitions(conn, table.name)) >= described_indexes(
                table, db.dialect), table.name


def test_the_seed_rebuilds_the_partial_indexes_it_set_aside(seeded):
    """The unpaid orders' index (store.models.orders.OWING) keeps its condition: without it,
    it would be a plain customer index and the unpaid-total read would not use it."""
    db, _ = seeded
    query = ("SELECT sql FROM sqlite_master WHERE name = :name" if db.is_sqlite else
             "SELECT indexdef FROM pg_indexes WHERE indexname = :name")
    with db.read() as s:
        owing = s.scalar(text(query), {"name": "ix_orders_owing"})
        po = s.scalar(text(query), {"name": "ix_orders_po_number_customer_id"})
    assert "payment_status" in owing.split("WHERE", 1)[1]
    assert po is not None


def test_the_unpaid_totals_the_checks_read_agree_with_the_customer_view(seeded):
    """The checks' grouped read restates the partial index's condition (OWING) in literals:
    it must count exactly the orders credit_used counts, on every status and payment status."""
    db, _ = seeded
    with db.read() as s:
        ids = list(s.scalars(select(Customer.id).order_by(Customer.id)))
        read = _exposure(s, ids)
        assert {cid: read.get(cid, 0) for cid in ids} == {
            cid: credit_used(s, cid) for cid in ids}
        assert sum(1 for v in read.values() if v) > 10
