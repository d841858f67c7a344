"""Frozen views of digest figures: what store.metrics.digest hands to messages/ and the runner.

Rates are properties, None when nothing was counted (no orders shipped -> no fill rate),
so a template shows "—" rather than a misleading 0 % or 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from store.periods import Period


@dataclass(frozen=True)
class Money:
    currency: str
    minor: int


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class PeriodFigures:
    """Every figure of one period. Counts are orders unless the name says lines."""

    start: datetime  # UTC bounds of the local days [start, end)
    end: datetime
    orders_received: int = 0
    lines_received: int = 0
    value_received: tuple[Money, ...] = ()
    orders_backordered: int = 0  # received orders with a backordered line
    orders_shipped: int = 0  # first shipment left in the period
    shipped_complete: int = 0  # ... every unit shipped, as the data stands (rises later)
    shipped_first_complete: int = 0  # ... every unit in the first shipment (never moves)
    shipped_perfect: int = 0  # ... in full on time, undamaged, documents right
    lines_shipped: int = 0  # lines of the orders shipped
    lines_filled: int = 0  # ... with every unit shipped
    orders_due: int = 0  # due date in the period, still owed
    due_on_time: int = 0  # ... first shipment by the end of the due date
    due_shipped_late: int = 0  # ... first shipment after it
    due_in_full_on_time: int = 0  # ... last unit shipped by the end of the due date (OTIF)
    past_due: int = 0  # owed orders past their due date, not complete, at the end
    cycle_median_hours: float | None = None
    cycle_p90_hours: float | None = None
    orders_returned: int = 0  # orders with an RMA opened in the period
    shipped_returned: int = 0  # orders shipped with a return within 30 days of shipping
    shipped_return_approved: int = 0  # ... approved (or further)
    shipped_return_received: int = 0  # ... received back
    backlog: int = 0  # at the end of the period
    discrepancies_opened: int = 0
    discrepancies_resolved: int = 0
    resolve_median_hours: float | None = None

    @property
    def backorder_rate(self) -> float | None:
        return _rate(self.orders_backordered, self.orders_received)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.due_on_time, self.orders_due)

    @property
    def otif_rate(self) -> float | None:
        return _rate(self.due_in_full_on_time, self.orders_due)

    @property
    def due_not_shipped(self) -> int:
        return self.orders_due - self.due_on_time - self.due_shipped_late

    @property
    def first_shipment_fill_rate(self) -> float | None:
        return _rate(self.shipped_first_complete, self.orders_shipped)

    @property
    def order_fill_rate(self) -> float | None:
        return _rate(self.shipped_complete, self.orders_shipped)

    @property
    def line_fill_rate(self) -> float | None:
        return _rate(self.lines_filled, self.lines_shipped)

    @property
    def perfect_order_rate(self) -> float | None:
        return _rate(self.shipped_perfect, self.orders_shipped)

    @property
    def return_rate(self) -> float | None:
        """Orders shipped in the period returned within 30 days of shipping (a cohort)."""
        return _rate(self.shipped_returned, self.orders_shipped)

    @property
    def return_approved_rate(self) -> float | None:
        return _rate(self.shipped_return_approved, self.orders_shipped)

    @property
    def return_received_rate(self) -> float | None:
        return _rate(self.shipped_return_received, self.orders_shipped)

    @property
    def is_empty(self) -> bool:
        return not (self.orders_received or self.orders_shipped or self.orders_returned
                    or self.orders_due or self.past_due or self.discrepancies_opened
                    or self.discrepancies_resolved)


@dataclass(frozen=True)
class DayPoint:
    day: date
    orders: int  # received that local day
    discrepancies: int  # opened that local day (on any order)
    flagged: int = 0  # of the orders received that day, those with a discrepancy

    @property
    def discrepancy_rate(self) -> float | None:
        """The share of the day's orders that were flagged: None (a gap) with no orders."""
        return _rate(self.flagged, self.orders)


@dataclass(frozen=True)
class CustomerFigure:
    code: str
    name: str
    orders: int
    value: tuple[Money, ...]
    previous_orders: int


@dataclass(frozen=True)
class TypeCount:
    type: str
    opened: int
    resolved: int
    previous_opened: int
    previous_resolved: int


@dataclass(frozen=True)
class AgeBucket:
    label: str
    count: int


@dataclass(frozen=True)
class DigestView:
    period: Period
    timezone: str
    current: PeriodFigures
    previous: PeriodFigures
    days: tuple[DayPoint, ...]
    top_customers: tuple[CustomerFigure, ...]
    discrepancy_types: tuple[TypeCount, ...]
    open_by_age: tuple[AgeBucket, ...]  # discrepancies still open at the end of the period
    built_at: datetime
    past_due_by_age: tuple[AgeBucket, ...] = ()  # by days past the due date, at the end

    @property
    def partial(self) -> bool:
        """The period is not over yet (an on-demand report of the current period)."""
        return self.built_at < self.current.end


@dataclass(frozen=True)
class DrillOrder:
    ref: str
    customer_name: str
    ordered_at: datetime
    first_shipped_at: datetime | None
    due_date: date | None
    # Why it is in the list: late, backordered, problem_shipment, returned, unshipped.
    reasons: tuple[str, ...]
    rma: str | None = None


@dataclass(frozen=True)
class DrillView:
    kind: str
    period: Period
    timezone: str
    total: int
    orders: tuple[DrillOrder, ...]


@dataclass(frozen=True)
class ProcessorFigures:
    """One person's work in a period (README, "Processor scorecard")."""

    user_id: str
    name: str | None = None  # display name, when the workspace knows it
    orders_entered: int = 0
    edits: int = 0
    resolved: int = 0  # discrepancies they resolved
    resolve_median_hours: float | None = None
    reflagged: int = 0  # ... whose order was flagged again for the same reason afterwards
    approvals_requested: int = 0

    @property
    def error_rate(self) -> float | None:
        return _rate(self.reflagged, self.resolved)


@dataclass(frozen=True)
class ScorecardRow:
    current: ProcessorFigures
    previous: ProcessorFigures


@dataclass(frozen=True)
class ScorecardView:
    period: Period
    timezone: str
    rows: tuple[ScorecardRow, ...]  # most resolved first
    built_at: datetime

    @property
    def partial(self) -> bool:
        return self.built_at < self.period_end

    @property
    def period_end(self) -> datetime:
        return self.period.utc_bounds(self.timezone)[1]
