"""Import catalog, customers and orders from CSV or XLSX files.

    report = import_file(db, kind="orders", path=Path("orders.csv"), progress=bar_update)
    print(report.summary_line())

The column contracts are in the docstrings of store.importer.catalog, .customers and .orders.
Every file: CSV (comma, semicolon or tab; UTF-8, with or without a byte-order mark) or XLSX
(first sheet), chosen by extension; the first row is the header; header names are matched
case-insensitively with surrounding spaces ignored; extra columns are ignored; a missing
required column stops the whole file with MissingColumns before anything is written.
Row problems never stop the file: the row is rejected with its row number (header = row 1),
column and reason, and the other rows go in. Each run is recorded as an ImportRun row.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from store import clock
from store.db import Database
from store.importer import catalog, customers, orders
from store.importer.bulk import copy_rows
from store.importer.context import ImportContext, Progress
from store.importer.errors import ImportFileError, MissingColumns, UnknownImportKind, UnreadableFile
from store.importer.order_batch import decide as decide_order
from store.importer.order_batch import load_lookups, write_orders
from store.importer.order_rows import OrderDraft, build_draft
from store.importer.reading import file_sha256, open_table
from store.importer.report import ImportKind, ImportReport, RowRejection, Tally
from store.models import ImportRun

ORDER_COLUMNS = orders.COLUMNS
__all__ = [
    "ImportFileError", "ImportKind", "ImportReport", "MissingColumns", "RowRejection",
    "UnknownImportKind", "UnreadableFile", "import_file",
    # what the one-order doors (store.orders.intake) reuse, so an order means the same
    # whatever door it came in by; and the bulk writer the seed shares
    "ORDER_COLUMNS", "OrderDraft", "Tally", "build_draft", "copy_rows", "decide_order",
    "load_lookups", "write_orders",
]
_MODULES = {ImportKind.CATALOG: catalog, ImportKind.CUSTOMERS: customers,
            ImportKind.ORDERS: orders}
# The run row keeps the first rejections; the report returned to the caller has them all.
STORED_REJECTIONS = 1000


def import_file(db: Database, *, kind: str | ImportKind, path: Path | str,
                actor: str = "import", progress: Progress | None = None) -> ImportReport:
    """Import one file; returns the counts and every rejected row. Raises ImportFileError
    (MissingColumns, UnreadableFile, UnknownImportKind) when the file can't be used at all."""
    kind = _kind(kind)
    module = _MODULES[kind]
    table = open_table(Path(path))
    columns = table.columns(kind=kind.value, expected=module.COLUMNS, required=module.REQUIRED)
    ctx = ImportContext(db=db, table=table, columns=columns, tally=Tally(), run_id=0,
                        actor=actor, total_rows=0, progress=progress)
    if kind is ImportKind.ORDERS:
        ctx.total_rows, last_rows = orders.count_rows(ctx)
    else:
        ctx.total_rows = sum(1 for _ in table.rows())
    ctx.run_id = _start_run(db, kind, table.path, actor)
    if kind is ImportKind.ORDERS:
        orders.run(ctx, last_rows)
    else:
        module.run(ctx)
    ctx.tally.rows_total = ctx.total_rows
    _finish_run(ctx)
    t = ctx.tally
    return ImportReport(
        kind=kind.value, rows_total=t.rows_total, rows_imported=t.rows_imported,
        rows_unchanged=t.rows_unchanged, rows_rejected=t.rows_rejected,
        rejections=t.sorted_rejections(), import_run_id=ctx.run_id,
    )


def _kind(kind: str | ImportKind) -> ImportKind:
    try:
        return ImportKind(str(kind).strip().lower())
    except ValueError:
        raise UnknownImportKind(str(kind), [k.value for k in ImportKind]) from None


def _start_run(db: Database, kind: ImportKind, path: Path, actor: str) -> int:
    with db.write() as session:
        run = ImportRun(kind=kind.value, filename=path.name[-500:], sha256=file_sha256(path),
                        started_at=clock.now(), note=f"started by {actor}")
        session.add(run)
        session.flush()
        return run.id


def _finish_run(ctx: ImportContext) -> None:
    rejections = [r.as_dict() for r in ctx.tally.sorted_rejections()[:STORED_REJECTIONS]]
    with ctx.db.write() as session:
        ctx.save_counts(session)
        session.execute(update(ImportRun).where(ImportRun.id == ctx.run_id).values(
            finished_at=clock.now(), rejections=rejections))
