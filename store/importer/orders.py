"""Import orders: one row per order line, grouped by order_ref (rows of one order may be apart).

Columns (header names are case-insensitive; extra columns are ignored):

    required: order_ref, customer_code, order_date, sku, quantity
    optional: po_number, requested_date, unit_price, currency, ship_name, ship_line1,
              ship_line2, ship_city, ship_region, ship_postal_code, ship_country,
              payment_status, sales_rep, notes

- order_date: ISO 8601 date or date-time (2024-05-01, 2024-05-01T14:30:00+02:00); without an
  offset it is taken as UTC; stored as UTC. requested_date: ISO date.
- unit_price: a decimal like 12.50 in the order's currency, at most as many decimals as the
  currency has (JPY 0, USD 2, KWD 3). Empty: the catalog price of the SKU.
- currency: ISO 4217; empty: the customer's currency. All lines of an order share it.
- payment_status: awaiting (default), authorized, captured, failed, partially_refunded, refunded.
- sales_rep: a Slack user id (U012AB3CD); empty: the customer's account owner.
- ship_*: when every ship_ column is empty, the customer's default shipping address is used.
  ship_country is a 2-letter ISO code.
- Order-level values (customer, PO, dates, address, payment, rep, notes) may be repeated on
  every line or given once; the first non-empty value counts. customer_code and currency must
  not differ between lines of one order.

Outcomes per order (each of its rows counts the same way):
- imported: a new order_ref; status open, unfulfilled, source "import", one "imported" event.
  Business problems (an unknown SKU, a price off the catalog, more than in stock, a failed
  payment) are imported as they are; the order checks (store.triage.checks) open a discrepancy for
  each in the same transaction.
- unchanged: the order_ref exists and this file's content for it was imported before (or
  equals the stored order). Re-importing a file changes nothing, even after edits in Slack.
- rejected: a row is wrong (bad number, date, currency, status; unknown customer; no
  order_ref). The whole order is held back - its other rows are rejected with "order X not
  imported because row N was rejected" - so a half order never enters. An existing order_ref
  whose content differs is rejected too: imports never overwrite people's edits.

Orders are committed in batches of BATCH_ORDERS, each order whole inside one batch, so an
interrupted import leaves only complete orders and a re-run imports the rest.
"""

from __future__ import annotations

from store.importer import order_batch
from store.importer.bulk import refresh_statistics
from store.importer.context import ImportContext
from store.importer.order_rows import OrderDraft, build_draft
from store.models import Event, Order, OrderLine

COLUMNS = [  # the contract, in the order files are written
    "order_ref", "customer_code", "po_number", "order_date", "requested_date", "sku",
    "quantity", "unit_price", "currency", "ship_name", "ship_line1", "ship_line2", "ship_city",
    "ship_region", "ship_postal_code", "ship_country", "payment_status", "sales_rep", "notes",
]
REQUIRED = ["order_ref", "customer_code", "order_date", "sku", "quantity"]
BATCH_ORDERS = 500
# Statistics are refreshed as the tables grow fourfold (PostgreSQL only; see bulk.py).
_ANALYZE_AFTER = frozenset(4 ** n for n in range(12))
_GROWING = (Order.__table__, OrderLine.__table__, Event.__table__)


def count_rows(ctx: ImportContext) -> tuple[int, dict[str, int]]:
    """First pass: how many data rows, and the last row holding each order_ref (so the second
    pass knows when an order is complete without holding the whole file in memory)."""
    ref_at = ctx.columns["order_ref"]
    last: dict[str, int] = {}
    total = 0
    for row_no, cells in ctx.table.rows():
        total += 1
        if cells[ref_at]:
            last[cells[ref_at]] = row_no
    return total, last


def run(ctx: ImportContext, last_row_of: dict[str, int]) -> None:
    from store.triage import HistoryCache  # lazily, as in _write_batch

    ctx.history_cache = HistoryCache()
    pending: dict[str, list[tuple[int, dict]]] = {}
    ready: list[OrderDraft] = []
    for row_no, cells in ctx.table.rows():
        row = ctx.cells(cells)
        ref = row["order_ref"]
        if not ref:
            ctx.tally.reject(row_no, "order_ref", (
                "order_ref is empty; every line needs the reference of the order it belongs to"))
            continue
        pending.setdefault(ref, []).append((row_no, row))
        if last_row_of[ref] == row_no:
            draft = build_draft(ref, pending.pop(ref), ctx.tally)
            if draft is not None:
                ready.append(draft)
            if len(ready) >= BATCH_ORDERS:
                _write_batch(ctx, ready)
                ready = []
    _write_batch(ctx, ready)
    if ctx.batches > 1:
        refresh_statistics(ctx.db, _GROWING)


def _write_batch(ctx: ImportContext, drafts: list[OrderDraft]) -> None:
    """One transaction: every order in it goes in whole, or (on a crash) none does."""
    from store.triage import (
        check_orders,  # here: store.triage.checks -> money_format -> store.importer
    )

    with ctx.db.write() as session:
        found = order_batch.load_lookups(session, drafts) if drafts else None
        todo = []
        for draft in drafts:
            decided = order_batch.decide(session, draft, found, ctx.tally)
            if decided is not None:
                todo.append((draft, *decided))
        ids = order_batch.write_orders(session, todo, actor=ctx.actor, filename=ctx.filename)
        # Checks run in the batch's transaction: an order and its discrepancies (and their
        # queued Slack posts) commit together.
        check_orders(session, ids, actor=ctx.actor, history_cache=ctx.history_cache)
        ctx.tally.rows_imported += sum(len(d.rows) for d, _, _ in todo)
        ctx.save_counts(session)
    ctx.batches += 1
    if ctx.batches in _ANALYZE_AFTER:
        refresh_statistics(ctx.db, _GROWING)
    ctx.batch_done()
