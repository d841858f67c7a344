"""The digest's facts rows of one demo order, made from the tuples the seed has just generated.

Computing them here costs a few µs an order; recomputing them in SQL after the load
(store.facts.refresh_order_facts, a correlated window per order) was the seed's largest single
cost. The rules are store.facts.received / store.facts.shipped's, in Python; a test seeds and
checks that refresh_order_facts leaves every row as it is, so the two can't drift apart.
"""

from __future__ import annotations

RECEIVED_FACT_COLS = ("order_id", "ordered_at", "customer_id", "currency", "owed", "line_count",
                      "short_lines", "value_minor", "awaiting_shipment", "due_date", "is_open",
                      "awaiting_completion")
RECEIVED_FACT_TS = ("ordered_at",)
SHIP_FACT_COLS = ("order_id", "first_shipped_at", "ordered_at", "due_date", "owed", "line_count",
                  "short_lines", "problem", "cycle_hours", "complete_at", "full_lines")
SHIP_FACT_TS = ("first_shipped_at", "ordered_at", "complete_at")
CYCLE_HOURS = SHIP_FACT_COLS.index("cycle_hours")

# Tuple positions: store.seed.orders.ORDER_COLS / LINE_COLS, store.seed.fulfil's SHIPMENT_COLS
# and SHIPMENT_LINE_COLS.
_O_AT, _O_CUSTOMER, _O_CURRENCY, _O_REQUESTED, _O_PROMISED, _O_STATUS = 7, 4, 6, 8, 9, 10
_L_ID, _L_ORDER, _L_QTY, _L_PRICE, _L_BACKORDERED = 0, 1, 6, 7, 8
_S_ID, _S_ORDER, _S_AT, _S_DAMAGED, _S_DOCUMENTS_OK, _S_RETURN = 0, 1, 5, 8, 9, 10
_SL_SHIPMENT, _SL_LINE, _SL_QTY = 1, 2, 4


def add_facts(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """A chunk's rows with their facts rows added, order by order. The factory writes each
    order's lines, shipments and shipment lines together, after the previous order's, so each
    order's share of them is the next run of rows that name it (or its shipments)."""
    lines, shipments, items = rows["order_lines"], rows["shipments"], rows["shipment_lines"]
    received_rows, shipped_rows = [], []
    n_lines, n_shipments, n_items = len(lines), len(shipments), len(items)
    line = shipment = item = 0
    for order in rows["orders"]:
        oid = order[0]
        first_line, first_shipment, first_item = line, shipment, item
        while line < n_lines and lines[line][_L_ORDER] == oid:
            line += 1
        while shipment < n_shipments and shipments[shipment][_S_ORDER] == oid:
            shipment += 1
        if shipment > first_shipment:
            last = shipments[shipment - 1][_S_ID]
            while item < n_items and items[item][_SL_SHIPMENT] <= last:
                item += 1
        received, shipped = order_facts(order, lines[first_line:line],
                                        shipments[first_shipment:shipment],
                                        items[first_item:item])
        if received is not None:
            received_rows.append(received)
        if shipped is not None:
            shipped_rows.append(shipped)
    return {**rows, "order_received_facts": received_rows, "order_ship_facts": shipped_rows}


def order_facts(order: tuple, lines: list[tuple], shipments: list[tuple],
                shipment_lines: list[tuple]) -> tuple[tuple | None, tuple | None]:
    """(received facts row or None, ship facts row or None) of an order, its lines, shipments
    and shipment lines. The ship row's cycle_hours holds None: its float is computed per
    database (store.seed.load), as each database's SQL computes it."""
    oid, status, at = order[0], order[_O_STATUS], order[_O_AT]
    due = order[_O_PROMISED] or order[_O_REQUESTED]
    short = sum(line[_L_BACKORDERED] > 0 for line in lines)
    own = [s for s in shipments if s[_S_RETURN] is None]  # replacements never count
    shipped = complete = None
    if own:
        first = min(s[_S_AT] for s in own)
        problem = any(s[_S_DAMAGED] or not s[_S_DOCUMENTS_OK] for s in own)
        done = _done_at(lines, own, shipment_lines)
        complete = max(done) if lines and len(done) == len(lines) else None
        shipped = (oid, first, at, due, status not in ("draft", "canceled"), len(lines), short,
                   problem, None, complete, len(done))
    received = None
    if status != "draft":
        value = sum(line[_L_QTY] * line[_L_PRICE] for line in lines)
        received = (oid, at, order[_O_CUSTOMER], order[_O_CURRENCY], status != "canceled",
                    len(lines), short, value, status == "open" and not own, due,
                    status == "open", status == "open" and complete is None)
    return received, shipped


def _done_at(lines: list[tuple], own: list[tuple], shipment_lines: list[tuple]) -> list[int]:
    """Of each line that completes, when: the earliest own shipment time by which (shipments
    at the same moment together) its shipped units reach its quantity. Shipped quantities are
    positive, so adding a moment's parts one by one reaches it at the same moment."""
    at = {s[_S_ID]: s[_S_AT] for s in own}
    parts: dict[int, list[tuple[int, int]]] = {}
    for item in shipment_lines:
        moment = at.get(item[_SL_SHIPMENT])
        if moment is not None:
            found = parts.get(item[_SL_LINE])
            if found is None:
                parts[item[_SL_LINE]] = [(moment, item[_SL_QTY])]
            else:
                found.append((moment, item[_SL_QTY]))
    first = min(at.values())
    done = []
    for line in lines:
        quantity = line[_L_QTY]
        if quantity <= 0:  # nothing to wait for: done with the order's first shipment
            done.append(first)
            continue
        found = parts.get(line[_L_ID])
        if found is None:
            continue
        if len(found) == 1:  # the demo's every shipped line: shipped whole, at once
            if found[0][1] >= quantity:
                done.append(found[0][0])
            continue
        total = 0
        for moment, units in sorted(found):
            total += units
            if total >= quantity:
                done.append(moment)
                break
    return done
