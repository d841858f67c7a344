"""The digest agrees with a deliberately naive second implementation (tests/support/
naive_metrics.py) on generated order histories: late, partial, backordered, returned,
canceled, completed without shipping, drafts, replacement shipments, discrepancies, in zones
whose offset changes inside the periods (Europe left summer time on 25 Oct 2026, New York
on 1 Nov), with timestamps crowded around local midnights and the changes. Every figure of
both periods is compared, on whichever database the suite runs on."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from store.enums import DiscrepancyStatus, OrderStatus, ReturnStatus, Severity
from store.metrics import queries
from store.metrics.digest import build_digest
from store.models import (
    Base,
    Customer,
    Discrepancy,
    Order,
    OrderLine,
    Return,
    Shipment,
    ShipmentLine,
)
from store.periods import Period
from tests.support.naive_metrics import load_desk, naive_digest

ZONES = ("UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata")
# The week of New York's change; the week before it holds Europe's.
WEEK = Period("weekly", date(2026, 10, 26), date(2026, 11, 2))
BASE = datetime(2026, 10, 26, tzinfo=UTC)
SETTINGS = settings(max_examples=25, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


def _edges() -> list[datetime]:
    """Local midnights of every zone over the two weeks, and the offset changes."""
    found = {datetime(2026, 10, 25, 1, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC)}
    for name in ZONES:
        for n in range(-8, 9):
            day = WEEK.start + timedelta(days=n)
            found.add(datetime.combine(day, datetime.min.time(), ZoneInfo(name))
                      .astimezone(UTC))
    return sorted(found)


EDGES = _edges()
NEAR = st.integers(-90, 90).map(lambda m: timedelta(minutes=m))
MOMENT = st.one_of(
    st.integers(-16 * 24 * 60, 9 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m)),
    st.tuples(st.sampled_from(EDGES), NEAR).map(lambda t: t[0] + t[1]))
AFTER = st.one_of(st.integers(-60, 12 * 24 * 60), st.sampled_from([0, 60, 24 * 60]),
                  ).map(lambda m: timedelta(minutes=m))
# Around the 30 days a return is counted against its shipment.
WINDOW_EDGE = st.integers(-90, 90).map(lambda m: timedelta(days=30, minutes=m))
DAY = st.integers(-12, 10).map(lambda n: WEEK.start + timedelta(days=n))

LINE = st.tuples(st.integers(1, 4), st.integers(100, 5000), st.integers(0, 4))
SHIPMENT = st.fixed_dictionaries({"after": AFTER, "damaged": st.booleans(),
                                  "documents_ok": st.booleans(), "units": st.integers(0, 4)})
PROBLEM = st.fixed_dictionaries({
    "type": st.sampled_from(["price_mismatch", "late", "other"]),
    "after": AFTER, "resolved": st.one_of(st.none(), AFTER)})
ORDER = st.fixed_dictionaries({
    "customer": st.integers(0, 2), "at": MOMENT,
    "status": st.sampled_from(["open", "open", "completed", "canceled", "draft"]),
    "currency": st.sampled_from(["USD", "USD", "USD", "EUR"]),
    "lines": st.lists(LINE, min_size=0, max_size=3),
    "promised": st.one_of(st.none(), DAY), "requested": st.one_of(st.none(), DAY),
    "shipments": st.lists(SHIPMENT, max_size=3),
    "returns": st.lists(st.tuples(st.one_of(AFTER, WINDOW_EDGE), st.booleans(),
                                  st.sampled_from(list(ReturnStatus))), max_size=2),
    "problems": st.lists(PROBLEM, max_size=2),
})
HISTORY = st.fixed_dictionaries({
    "orders": st.lists(ORDER, max_size=12),
    "customer_ages": st.lists(st.integers(0, 3), min_size=3, max_size=3),
    "zone": st.sampled_from(ZONES),
    "built": st.sampled_from([timedelta(hours=8), timedelta(days=-3), timedelta(days=20)]),
})


def _example(zone: str, *orders: dict, ages=(0, 0, 0)) -> dict:
    blank = {"customer": 0, "status": "open", "currency": "USD", "lines": [(1, 100, 0)],
             "promised": None, "requested": None, "shipments": [], "returns": [],
             "problems": []}
    return {"orders": [blank | o for o in orders], "customer_ages": list(ages), "zone": zone,
            "built": timedelta(hours=8)}


def _ship(after: timedelta) -> dict:
    return {"after": after, "damaged": False, "documents_ok": True, "units": 1}


# Shipped 23:30 New York time on its due date, the day New York left summer time.
LATE_EVENING = _example("America/New_York", {
    "at": datetime(2026, 11, 1, 12, tzinfo=UTC), "status": "completed",
    "promised": date(2026, 11, 1), "shipments": [_ship(timedelta(hours=16, minutes=30))]})
# Received in the week and completed without a shipment: not in either backlog.
COMPLETED_UNSHIPPED = _example("UTC", {"at": datetime(2026, 10, 27, tzinfo=UTC),
                                       "status": "completed"},
                               {"at": datetime(2026, 10, 20, tzinfo=UTC)})
# Due before the week, their last unit shipped after it ends: past due at both ends, open or
# not; one completed before the week: past due at neither.
COMPLETED_AFTER = _example(
    "UTC", {"at": datetime(2026, 10, 20, tzinfo=UTC), "status": "completed",
            "promised": date(2026, 10, 22), "shipments": [_ship(timedelta(days=14))]},
    {"at": datetime(2026, 10, 20, tzinfo=UTC), "promised": date(2026, 10, 22),
     "shipments": [_ship(timedelta(days=14))]},
    {"at": datetime(2026, 10, 20, tzinfo=UTC), "promised": date(2026, 10, 22),
     "shipments": [_ship(timedelta(days=3))]})
# Two customers tied on orders: the older one (created first) has the higher id.
TIED = _example("UTC", {"at": datetime(2026, 10, 27, tzinfo=UTC), "customer": 0},
                {"at": datetime(2026, 10, 28, tzinfo=UTC), "customer": 1}, ages=(2, 1, 0))


def wipe(db) -> None:
    with db.write() as s:
        for table in reversed(Base.metadata.sorted_tables):
            s.execute(delete(table))


def write_history(db, history: dict) -> None:
    with db.write() as s:
        customers = [Customer(code=f"C{n}", name=f"Customer {n}", currency="USD",
                              created_at=datetime(2025, 1, 1 + age, tzinfo=UTC))
                     for n, age in enumerate(history["customer_ages"])]
        s.add_all(customers)
        s.flush()
        for n, spec in enumerate(history["orders"]):
            _order(s, n, spec, customers[spec["customer"]])


def _order(s, n: int, spec: dict, customer: Customer) -> None:
    status = spec["status"]
    order = Order(ref=f"SO-{n}", customer_id=customer.id, currency=spec["currency"],
                  ordered_at=spec["at"], status=OrderStatus(status),
                  promised_date=spec["promised"], requested_date=spec["requested"])
    for i, (qty, price, short) in enumerate(spec["lines"], start=1):
        order.lines.append(OrderLine(line_no=i, sku=f"SKU-{i}", quantity=qty,
                                     unit_price_minor=price,
                                     quantity_backordered=min(short, qty) if short > 2 else 0))
    s.add(order)
    s.flush()
    if status in ("draft", "canceled"):  # neither ever ships
        return
    shipped = []
    for spec_ship in spec["shipments"]:
        ship = Shipment(order_id=order.id, carrier="UPS",
                        shipped_at=spec["at"] + spec_ship["after"],
                        damaged=spec_ship["damaged"], documents_ok=spec_ship["documents_ok"])
        for line in order.lines:
            if spec_ship["units"]:
                ship.lines.append(ShipmentLine(order_line_id=line.id,
                                               quantity=min(spec_ship["units"], line.quantity)))
        s.add(ship)
        shipped.append(ship)
    s.flush()
    for k, (after, replace, status) in enumerate(spec["returns"] if shipped else []):
        first = min(x.shipped_at for x in shipped)
        ret = Return(rma=f"RMA-{n}-{k}", order_id=order.id, status=status,
                     created_at=first + after)
        s.add(ret)
        s.flush()
        if replace:  # a replacement shipment: never the order's own
            s.add(Shipment(order_id=order.id, carrier="UPS", shipped_at=ret.created_at,
                           damaged=True, return_id=ret.id))
    for k, problem in enumerate(spec["problems"]):
        opened = spec["at"] + problem["after"]
        resolved = opened + abs(problem["resolved"]) if problem["resolved"] is not None \
            else None
        s.add(Discrepancy(order_id=order.id, type=problem["type"], severity=Severity.MEDIUM,
                          status=DiscrepancyStatus.RESOLVED if resolved else
                          DiscrepancyStatus.NEW, fingerprint=f"{n}:{k}", title="t",
                          opened_at=opened, resolved_at=resolved))


def product_figures(view) -> dict:
    def figures(period, which) -> dict:
        names = set(period.__dataclass_fields__) - {"start", "end", "value_received"}
        found = {name: getattr(period, name) for name in names}
        found["value_received"] = tuple((m.currency, m.minor) for m in period.value_received)
        found["opened_by_type"] = Counter({t.type: getattr(t, f"{which}opened")
                                           for t in view.discrepancy_types})
        found["resolved_by_type"] = Counter({t.type: getattr(t, f"{which}resolved")
                                             for t in view.discrepancy_types})
        return found

    return {"current": figures(view.current, ""), "previous": figures(view.previous, "previous_"),
            "days": [(d.day, d.orders, d.discrepancies, d.flagged) for d in view.days],
            "open_by_age": [b.count for b in view.open_by_age],
            "past_due_by_age": [b.count for b in view.past_due_by_age],
            "top_customers": [(c.code, c.orders, tuple((m.currency, m.minor) for m in c.value),
                               c.previous_orders) for c in view.top_customers]}


def _comparable(figures: dict) -> dict:
    """Counters without their zero entries; hours to 3 decimals (SQLite's julianday)."""
    out = dict(figures)
    for which in ("current", "previous"):
        part = dict(out[which])
        for name in ("opened_by_type", "resolved_by_type"):
            part[name] = +Counter(part[name])
        for name in ("cycle_median_hours", "cycle_p90_hours", "resolve_median_hours"):
            part[name] = None if part[name] is None else round(part[name], 3)
        out[which] = part
    return out


def test_the_digest_agrees_with_the_naive_implementation(db):
    check_against_naive(db)


def test_due_dates_read_per_row_agree_with_the_naive_implementation(db, monkeypatch):
    """The spelling of "due" for a zone whose clock goes back across a midnight (none of
    the zones above does): every figure still agrees."""
    monkeypatch.setattr(queries, "local_days_in_order", lambda offsets: False)
    check_against_naive(db)


def check_against_naive(db) -> None:
    @SETTINGS
    @given(history=HISTORY)
    @example(history=LATE_EVENING)
    @example(history=COMPLETED_UNSHIPPED)
    @example(history=TIED)
    @example(history=COMPLETED_AFTER)
    def check(history):
        wipe(db)
        write_history(db, history)
        zone, now = history["zone"], WEEK.utc_bounds(history["zone"])[1] + history["built"]
        view = build_digest(db, period=WEEK, timezone=zone, now=now)
        naive = naive_digest(load_desk(db), WEEK.start, WEEK.end, WEEK.previous().start,
                             zone, now)
        assert _comparable(product_figures(view)) == _comparable(naive)

    check()
