"""Demo shipments, returns and holds for one order at a time, as plain tuples."""

from __future__ import annotations

import json
import random

from store.fulfilment import RULES
from store.seed.shipping import RETURN_OUTCOMES, RETURN_REASONS, pick_carrier, tracking_number
from store.seed.states import CANCEL_REASONS, HOLD_NOTES, OPEN_UNSHIPPED, OTHER_HOLDS

PROCESSOR = "U0PROC1"  # the sandbox's order processor
FIRST_RMA = 1_001
SHIPMENT_COLS = (
    "id", "order_id", "warehouse_id", "carrier", "service", "shipped_at", "delivered_at",
    "tracking_number", "damaged", "documents_ok", "return_id", "created_by", "created_at",
)
SHIPMENT_TS = ("shipped_at", "delivered_at", "created_at")
SHIPMENT_LINE_COLS = ("id", "shipment_id", "order_line_id", "product_id", "quantity")
HOLD_COLS = ("id", "order_id", "reason", "note", "placed_by", "placed_at", "released_by",
             "released_at")
HOLD_TS = ("placed_at", "released_at")
RETURN_COLS = ("id", "rma", "order_id", "status", "refund_minor", "shipping_refund_minor",
               "note", "created_by", "created_at")
RETURN_TS = ("created_at",)
APPROVAL_COLS = ("id", "kind", "status", "order_id", "return_id", "amount_minor", "payload",
                 "requested_by", "requested_at")
APPROVAL_TS = ("requested_at",)
RETURN_WINDOW_DAYS = RULES.return_window_days
RETURN_LINE_COLS = ("id", "return_id", "order_line_id", "quantity", "reason", "outcome",
                    "exchange_product_id", "refund_minor")
_DAY = 86_400
# Line tuple positions (see seed_orders.LINE_COLS).
_ID, _PRODUCT, _QTY, _PRICE, _BACKORDERED, _WAREHOUSE = 0, 4, 6, 7, 8, 9


class Fulfiller:
    def __init__(self, rng: random.Random, now: int):
        self.rng, self.now = rng, now
        self.counts = {"shipments": 0, "shipment_lines": 0, "order_holds": 0, "returns": 0,
                       "return_lines": 0, "approvals": 0}
        self._empty()

    def _empty(self) -> None:
        self.rows: dict[str, list[tuple]] = {name: [] for name in self.counts}

    def take(self) -> dict[str, list[tuple]]:
        out = self.rows
        self._empty()
        return out

    def _next(self, table: str) -> int:
        self.counts[table] += 1
        return self.counts[table]

    def cancel_reason(self) -> str:
        return self.rng.choice(CANCEL_REASONS)

    def add(self, oid: int, at: int, fulfilment: str, status: str, customer: dict,
            lines: list[tuple], count: int) -> int:
        """Shipments (and returns) for an order whose lines are the last `count` of `lines`.
        Returns when the order last changed."""
        if fulfilment not in ("partially_shipped", "shipped", "delivered", "partially_returned",
                              "returned"):
            return at
        start = len(lines) - count
        shipped = self._ship_which(lines, start, fulfilment)
        latest = at
        by_warehouse: dict[int | None, list[tuple]] = {}
        for line in shipped:
            by_warehouse.setdefault(line[_WAREHOUSE], []).append(line)
        delivered = fulfilment in ("delivered", "partially_returned", "returned")
        for warehouse, group in by_warehouse.items():
            latest = max(latest, self._shipment(oid, at, warehouse, group, customer, delivered))
        if fulfilment in ("partially_returned", "returned"):
            latest = max(latest, self._return(oid, latest, shipped, fulfilment == "returned",
                                              closed=True))
        elif fulfilment == "delivered" and self.rng.random() < 0.005:
            self._return(oid, latest, shipped[:1], False, closed=False)
        return latest

    def _ship_which(self, lines: list[tuple], start: int, fulfilment: str) -> list[tuple]:
        """All lines, or for a partial shipment the first ones, the rest backordered."""
        if fulfilment != "partially_shipped" or len(lines) - start < 2:
            return lines[start:]
        keep = start + self.rng.randint(1, len(lines) - start - 1)
        for i in range(keep, len(lines)):
            line = list(lines[i])
            line[_BACKORDERED] = line[_QTY]
            lines[i] = tuple(line)
        return lines[start:keep]

    def _shipment(self, oid, at, warehouse, group, customer, delivered) -> int:
        rng = self.rng
        age = self.now - at
        shipped_at = at + int(rng.uniform(0.15, 0.8) * min(3 * _DAY, age))
        delivered_at = None
        if delivered:
            span = max(60, min(rng.randint(1, 5) * _DAY, self.now - shipped_at - 60))
            delivered_at = shipped_at + rng.randint(span // 2, span)
        carrier, service = pick_carrier(rng, customer["country"])
        sid = self._next("shipments")
        damaged = delivered and rng.random() < 0.015
        self.rows["shipments"].append((
            sid, oid, warehouse, carrier, service, shipped_at, delivered_at,
            tracking_number(rng, carrier), damaged, rng.random() > 0.01, None, "system",
            shipped_at,
        ))
        for line in group:
            self.rows["shipment_lines"].append((self._next("shipment_lines"), sid, line[_ID],
                                                line[_PRODUCT], line[_QTY]))
        return delivered_at or shipped_at

    def _return(self, oid, after, shipped, whole, *, closed) -> int:
        rng = self.rng
        # An open one is a late return (past the window), the kind that waits for a manager.
        days = rng.randint(1, 10) if closed else RETURN_WINDOW_DAYS + rng.randint(1, 25)
        created = min(self.now - 60, after + days * _DAY)
        rid = self._next("returns")
        picked = shipped if whole else shipped[:1]
        total = 0
        for line in picked:
            qty = line[_QTY] if whole else max(1, line[_QTY] // 2)
            outcome = RETURN_OUTCOMES.pick(rng)
            refund = qty * line[_PRICE] if outcome == "refund" else 0
            total += refund
            self.rows["return_lines"].append((
                self._next("return_lines"), rid, line[_ID], qty, RETURN_REASONS.pick(rng),
                outcome, line[_PRODUCT] if outcome == "exchange" else None, refund,
            ))
        age, late = self.now - created, (created - after) // _DAY
        # Capped at now, a return of a recent shipment is within the window: unless its refund
        # is over the threshold, nobody approves it (demo managers were asked about $0.00).
        waits = not closed and (late > RETURN_WINDOW_DAYS or total > RULES.refund_approval_minor)
        status = ("awaiting_approval" if waits else
                  "closed" if closed and age > 20 * _DAY else "received")
        rma = f"RMA-{FIRST_RMA - 1 + rid}"
        self.rows["returns"].append((rid, rma, oid, status, total, 0, None, PROCESSOR, created))
        if waits:
            self._approval(oid, rid, rma, total, created, late=late)
        return created

    def _approval(self, oid, rid, rma, total, created, *, late: int) -> None:
        """An open demo return waits for a manager, so it has the request that asks one (the
        clock posts it once a manager channel is routed): a late return past the window, or a
        refund over the threshold."""
        outside = late > RETURN_WINDOW_DAYS
        why = (f" — {late} days after delivery (the return window is {RETURN_WINDOW_DAYS} days)"
               if outside else "")
        detail = f"{rma}: refund ${total / 100:,.2f}{why}"
        self.rows["approvals"].append((
            self._next("approvals"), "late_return" if outside else "refund", "pending", oid,
            rid, total, json.dumps({"detail": detail}), PROCESSOR, created))

    def holds_for(self, oid: int, at: int, status: str, fulfilment: str, reasons: list[str]):
        rng = self.rng
        if status == "open" and fulfilment in OPEN_UNSHIPPED:
            active = [r for r in reasons if rng.random() < 0.5]
            if rng.random() < 0.01:
                active.append(OTHER_HOLDS.pick(rng))
            for reason in dict.fromkeys(active):
                self._hold(oid, reason, min(self.now, at + rng.randint(60, 3 * 3600)), None)
        elif status == "completed" and rng.random() < 0.01:
            placed = at + rng.randint(60, 3600)
            self._hold(oid, OTHER_HOLDS.pick(rng), placed, placed + rng.randint(1, 24) * 3600)

    def _hold(self, oid: int, reason: str, placed: int, released: int | None) -> None:
        by = "system" if reason == "awaiting_payment" else PROCESSOR
        self.rows["order_holds"].append((
            self._next("order_holds"), oid, reason, HOLD_NOTES[reason], by, placed,
            PROCESSOR if released else None, released,
        ))
