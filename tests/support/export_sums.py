"""Every digest figure counted again from a report's export, as the README tells a reader with
a spreadsheet to do it (no tests here). Reads the CSV text only: the export is the source.

    figures = sums_of_export(orders_csv_bytes, discrepancies_csv_bytes)
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from decimal import Decimal

PAST_DUE_DAYS = ((1, 3), (4, 7), (8, 30), (31, 10**9))
AGE_LABELS = ("under 1 day", "1–3 days", "3–7 days", "7 days or more")


def read_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _yes(row: dict, column: str) -> bool:
    return row[column] == "yes"


def _nearest_rank(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1]


def sums_of_export(orders: bytes, discrepancies: bytes, *, top: int = 5) -> dict:
    rows, problems = read_csv(orders), read_csv(discrepancies)
    received = [r for r in rows if _yes(r, "received_in_period")]
    shipped = [r for r in rows if _yes(r, "shipped_in_period")]
    due = [r for r in rows if _yes(r, "due_in_period")]
    past_due = [r for r in rows if _yes(r, "past_due_at_end")]
    value: dict[str, Decimal] = defaultdict(Decimal)
    for r in received:
        if int(r["lines"]):
            value[r["currency"]] += Decimal(r["value"])
    resolved = [p for p in problems if _yes(p, "resolved_in_period")]
    customers = Counter(r["customer_code"] for r in received)
    since = {r["customer_code"]: r["customer_since_utc"] for r in received}
    ranked = sorted(customers, key=lambda c: (-customers[c], since[c]))[:top]
    return {
        "orders_received": len(received),
        "lines_received": sum(int(r["lines"]) for r in received),
        "value_received": dict(value),
        "orders_backordered": sum(int(r["backordered_lines"]) > 0 for r in received),
        "orders_shipped": len(shipped),
        "shipped_complete": sum(_yes(r, "complete") for r in shipped),
        "shipped_first_complete": sum(_yes(r, "complete_in_first_shipment") for r in shipped),
        "shipped_perfect": sum(_yes(r, "perfect") for r in shipped),
        "lines_shipped": sum(int(r["lines"]) for r in shipped),
        "lines_filled": sum(int(r["lines_shipped_in_full"]) for r in shipped),
        "orders_due": len(due),
        "due_on_time": sum(_yes(r, "due_on_time") for r in due),
        "due_shipped_late": sum(_yes(r, "due_shipped_late") for r in due),
        "due_in_full_on_time": sum(_yes(r, "otif") for r in due),
        "past_due": len(past_due),
        "past_due_at_start": sum(_yes(r, "past_due_at_start") for r in rows),
        "past_due_by_age": [sum(low <= int(r["days_past_due_at_end"]) <= high
                                for r in past_due) for low, high in PAST_DUE_DAYS],
        "cycle_median_hours": _nearest_rank([float(r["cycle_hours"]) for r in shipped], 0.5),
        "cycle_p90_hours": _nearest_rank([float(r["cycle_hours"]) for r in shipped], 0.9),
        "orders_returned": sum(_yes(r, "returned_in_period") for r in rows),
        "shipped_returned": sum(r["return_within_30_days"] != "" for r in shipped),
        "shipped_return_approved": sum(r["return_within_30_days"] in ("approved", "received")
                                       for r in shipped),
        "shipped_return_received": sum(r["return_within_30_days"] == "received"
                                       for r in shipped),
        "backlog": sum(_yes(r, "backlog_at_end") for r in rows),
        "backlog_at_start": sum(_yes(r, "backlog_at_start") for r in rows),
        "discrepancies_opened": sum(_yes(p, "opened_in_period") for p in problems),
        "discrepancies_resolved": len(resolved),
        "resolve_median_hours": _nearest_rank([float(p["hours_to_resolve"]) for p in resolved],
                                              0.5),
        "opened_by_type": Counter(p["type"] for p in problems if _yes(p, "opened_in_period")),
        "resolved_by_type": Counter(p["type"] for p in resolved),
        "open_by_age": [sum(p["age_at_end"] == label for p in problems) for label in AGE_LABELS],
        "top_customers": [(code, customers[code]) for code in ranked],
        "orders_by_day": Counter(r["ordered_on"] for r in received),
        "flagged_by_day": Counter(r["ordered_on"] for r in received if _yes(r, "flagged")),
        "opened_by_day": Counter(p["opened_on"] for p in problems
                                 if _yes(p, "opened_in_period")),
    }
