"""The state one import run carries from batch to batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from store.db import Database
from store.importer.fields import nul_errors
from store.importer.reading import Table
from store.importer.report import Tally
from store.models import ImportRun

Progress = Callable[[int, int], object]


@dataclass
class ImportContext:
    db: Database
    table: Table
    columns: dict[str, int]
    tally: Tally
    run_id: int
    actor: str
    total_rows: int
    progress: Progress | None = None
    batches: int = 0  # transactions committed so far
    history_cache: object = None  # the checks' customer histories, kept across batches

    @property
    def filename(self) -> str:
        return self.table.path.name

    def cells(self, cells: list[str]) -> dict[str, str]:
        """The known columns of one row by name; absent optional columns read as ''."""
        return {name: cells[i] for name, i in self.columns.items()}

    def checked_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, cells by name) of every row that may reach the database; a row with a
        NUL in a cell, or an invisible character in an identifier, is rejected here, per cell,
        before any query sees it."""
        for row_no, cells in self.table.rows():
            row = self.cells(cells)
            errors = nul_errors(row)
            for err in errors:
                self.tally.reject(row_no, err.column, err.reason)
            if not errors:
                yield row_no, row

    def save_counts(self, session: Session) -> None:
        """Called inside each batch's transaction, so the run's counts match what is committed."""
        t = self.tally
        session.execute(
            update(ImportRun)
            .where(ImportRun.id == self.run_id)
            .values(
                rows_total=self.total_rows,
                rows_imported=t.rows_imported,
                rows_unchanged=t.rows_unchanged,
                rows_rejected=t.rows_rejected,
            )
        )

    def batch_done(self) -> None:
        if self.progress is not None:
            self.progress(self.tally.rows_done, self.total_rows)
