"""A small desk for the digest tests, with every figure worked out by hand (no tests here).

Period under test: the ISO week Mon 2 Nov .. Sun 8 Nov 2026 (UTC); the previous one is
Mon 26 Oct .. Sun 1 Nov. Each order says what it is for; EXPECTED_* below are the sums.

    current week                          previous week
    O1 Acme   2 lines 2500  shipped 3 Nov, on time, perfect, 24 h
    O2 Acme   1 line  3000  shipped 5 Nov, due 4 Nov (requested) -> late, 48 h
    O3 Beta   2 lines 1200  one line backordered and not shipped, shipped 4 Nov -> not in
                            full, 24 h
    O4 Beta   1 line   800  shipped 6 Nov 20:00, due 6 Nov -> on time, damaged, 60 h
    O5 Acme   1 line   500  no due date; 2 shipments (3 units, then 2), the 2nd with bad
                            documents, 24 h -> in full, but not in the first shipment
    O6 Beta   1 line   700  open, never shipped, requested 7 Nov -> backlog, due and not
                            shipped, past due (2 days) at the end
    O7 Acme   draft -> not received
    O8 Beta   1 line   900  canceled -> received, never backlog
    O9 Acme   1 line   300  ordered 8 Nov 23:30, shipped 9 Nov 01:00 -> backlog at the end
                                          P1 Acme 1 line 1000, shipped 28 Oct, perfect, 24 h;
                                             a damaged replacement shipment 4 Nov (ignored);
                                             its return (RMA-1) opened 4 Nov
                                          P2 Beta 1 line 1200, ordered 30 Oct, shipped 2 Nov
                                             (so in the CURRENT shipped orders), 72 h
                                          (P1's return, 7 days after it shipped, is in the
                                          previous week's 30-day return rate)
                                          P3 Acme 1 line 400, open, never shipped,
                                             requested 1 Nov: past due at both ends
    older: Q1 Beta, shipped 21 Oct; its return opened 28 Oct (previous week)
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from store.enums import (
    DiscrepancyStatus,
    DiscrepancyType,
    FulfilmentStatus,
    OrderStatus,
    ReturnStatus,
    Severity,
)
from store.models import Customer, Discrepancy, Order, OrderLine, Return, Shipment, ShipmentLine

WEEK_START = date(2026, 11, 2)


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


EXPECTED_CURRENT = dict(
    orders_received=8, lines_received=10, value=9900, orders_backordered=1,
    orders_shipped=6, shipped_complete=5, shipped_first_complete=4, shipped_perfect=2,
    lines_shipped=8, lines_filled=7, cycle_median_hours=24.0, cycle_p90_hours=72.0,
    orders_due=5, due_on_time=3, due_shipped_late=1, due_in_full_on_time=3, past_due=2,
    orders_returned=1, shipped_returned=0, shipped_return_approved=0, backlog=3,
    discrepancies_opened=4,
    discrepancies_resolved=3, resolve_median_hours=48.0,
)
EXPECTED_PREVIOUS = dict(
    orders_received=3, lines_received=3, value=2600, orders_backordered=0,
    orders_shipped=1, shipped_complete=1, shipped_first_complete=1, shipped_perfect=1,
    lines_shipped=1, lines_filled=1, cycle_median_hours=24.0, cycle_p90_hours=24.0,
    orders_due=2, due_on_time=1, due_shipped_late=0, due_in_full_on_time=1, past_due=1,
    orders_returned=1, shipped_returned=1, shipped_return_approved=1, backlog=2,
    discrepancies_opened=2, discrepancies_resolved=1,
    resolve_median_hours=24.0,
)
# (orders received, discrepancies opened, of the day's orders those ever flagged)
EXPECTED_DAYS = [(1, 1, 1), (2, 1, 2), (1, 1, 0), (1, 0, 0), (1, 0, 0), (1, 0, 0), (1, 1, 1)]
EXPECTED_AGES = [1, 0, 1, 1]  # under 1 day, 1-3, 3-7, 7+ at the end of the week
EXPECTED_PAST_DUE = [1, 0, 1, 0]  # 1-3 days (O6), 4-7, 8-30 (P3), over 30


def build_desk(db) -> dict[str, int]:
    """Create the desk; returns order ids by name."""
    with db.write() as s:
        acme = Customer(code="ACME", name="Acme <!channel> & Co", currency="USD")
        beta = Customer(code="BETA", name="Beta Industrial", currency="USD")
        s.add_all([acme, beta])
        s.flush()
        o = {}

        def order(name, customer, ordered, lines, *, status=OrderStatus.OPEN, promised=None,
                  requested=None, fulfilment=FulfilmentStatus.UNFULFILLED):
            row = Order(ref=f"SO-{name}", customer_id=customer.id, currency="USD",
                        ordered_at=ordered, status=status, fulfilment_status=fulfilment,
                        promised_date=promised, requested_date=requested)
            for n, (qty, price, *back) in enumerate(lines, start=1):
                row.lines.append(OrderLine(line_no=n, sku=f"SKU-{n}", quantity=qty,
                                           unit_price_minor=price,
                                           quantity_backordered=back[0] if back else 0))
            s.add(row)
            o[name] = row
            return row

        order("O1", acme, at(11, 2, 10), [(2, 1000), (1, 500)], promised=date(2026, 11, 4))
        order("O2", acme, at(11, 3, 9), [(1, 3000)], requested=date(2026, 11, 4))
        order("O3", beta, at(11, 3, 12), [(4, 250), (2, 100, 2)], promised=date(2026, 11, 10))
        order("O4", beta, at(11, 4, 8), [(1, 800)], promised=date(2026, 11, 6))
        order("O5", acme, at(11, 5, 8), [(5, 100)])
        order("O6", beta, at(11, 6, 10), [(1, 700)], requested=date(2026, 11, 7))
        order("O7", acme, at(11, 7, 10), [(1, 5000)], status=OrderStatus.DRAFT)
        order("O8", beta, at(11, 7, 11), [(1, 900)], status=OrderStatus.CANCELED)
        order("O9", acme, at(11, 8, 23, 30), [(3, 100)])
        order("P1", acme, at(10, 27, 10), [(1, 1000)], promised=date(2026, 10, 29),
              status=OrderStatus.COMPLETED)
        order("P2", beta, at(10, 30, 10), [(2, 600)], promised=date(2026, 11, 3))
        order("P3", acme, at(10, 31, 10), [(1, 400)], requested=date(2026, 11, 1))
        order("Q1", beta, at(10, 20, 10), [(1, 100)], status=OrderStatus.COMPLETED)
        s.flush()
        _shipments(s, o)
        _discrepancies(s, o)
        return {name: row.id for name, row in o.items()}


def _shipments(s, o) -> None:
    def ship(name, when, units=None, **flags):
        """Every unit of every line, or `units` (line number -> quantity)."""
        row = Shipment(order_id=o[name].id, carrier="UPS", shipped_at=when, **flags)
        for line in o[name].lines if flags.get("return_id") is None else ():
            quantity = line.quantity if units is None else units.get(line.line_no, 0)
            if quantity:
                row.lines.append(ShipmentLine(order_line_id=line.id, quantity=quantity))
        s.add(row)
        return row

    ship("O1", at(11, 3, 10))
    ship("O2", at(11, 5, 9))
    ship("O3", at(11, 4, 12), units={1: 4})
    ship("O4", at(11, 6, 20), damaged=True)
    ship("O5", at(11, 6, 8), units={1: 3})
    ship("O5", at(11, 7, 8), units={1: 2}, documents_ok=False)
    ship("O9", at(11, 9, 1))
    ship("P1", at(10, 28, 10))
    ship("P2", at(11, 2, 10))
    ship("Q1", at(10, 21, 10))
    rma = Return(rma="RMA-1", order_id=o["P1"].id, status=ReturnStatus.APPROVED,
                 created_at=at(11, 4, 9))
    old = Return(rma="RMA-0", order_id=o["Q1"].id, status=ReturnStatus.CLOSED,
                 created_at=at(10, 28, 9))
    s.add_all([rma, old])
    s.flush()
    # A replacement for P1's return: not P1's shipment, and its damage is not P1's.
    ship("P1", at(11, 4, 15), damaged=True, return_id=rma.id)


def _discrepancies(s, o) -> None:
    def flag(name, kind, opened, resolved=None):
        s.add(Discrepancy(
            order_id=o[name].id, type=kind, severity=Severity.MEDIUM,
            status=DiscrepancyStatus.RESOLVED if resolved else DiscrepancyStatus.NEW,
            fingerprint=f"{kind}:{name}:{opened.isoformat()}", title=f"{kind} on {name}",
            opened_at=opened, resolved_at=resolved))

    flag("O1", DiscrepancyType.PRICE_MISMATCH, at(11, 2, 12), at(11, 3, 0))  # 12 h
    flag("O3", DiscrepancyType.BAD_ADDRESS, at(11, 3, 13), at(11, 5, 13))  # 48 h
    flag("O2", DiscrepancyType.PRICE_MISMATCH, at(11, 4, 9))  # open, 4 days old at the end
    flag("P3", DiscrepancyType.LATE, at(10, 30, 10), at(11, 4, 10))  # 120 h, resolved now
    flag("P1", DiscrepancyType.OTHER, at(10, 27, 12), at(10, 28, 12))  # 24 h, before
    flag("O9", DiscrepancyType.UNKNOWN_SKU, at(11, 8, 23, 45))  # open, 15 minutes old
    flag("Q1", DiscrepancyType.CREDIT_LIMIT, at(10, 20, 12))  # open, weeks old


AFTER_WEEK = datetime(2026, 11, 9, 8, 1, tzinfo=UTC)  # the desk's week (2–8 Nov) is over


def post_due_digests(stack, now: datetime = AFTER_WEEK) -> None:
    """The clock's digest tick at `now`, the subscriptions dated before the week ended."""
    from slack_sdk import WebClient
    from sqlalchemy import update

    from jobs.schedule import tick_digests
    from store.models import DigestSubscription

    with stack.db.write() as s:
        s.execute(update(DigestSubscription).values(created_at=at(11, 2, 9)))
    client = WebClient(base_url=stack.sb.api_url, token=stack.sb.bot_token)
    tick_digests(db=stack.db, client=client, claimed_by="clock", now=now)
