"""What an import returns: counts per outcome and every rejected row with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ImportKind(StrEnum):
    CATALOG = "catalog"
    CUSTOMERS = "customers"
    ORDERS = "orders"


@dataclass(frozen=True)
class RowRejection:
    """One problem on one row. `row` is the file's row number (header = 1);
    `column` is None when the whole row (or order) is the problem."""

    row: int
    column: str | None
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class ImportReport:
    kind: str
    rows_total: int
    rows_imported: int
    rows_unchanged: int
    rows_rejected: int
    rejections: tuple[RowRejection, ...]
    import_run_id: int

    def summary_line(self) -> str:
        line = (
            f"{self.kind}: {self.rows_total:,} rows — {self.rows_imported:,} imported, "
            f"{self.rows_unchanged:,} unchanged, {self.rows_rejected:,} rejected"
        )
        return line + " (see above)" if self.rows_rejected else line


@dataclass
class Tally:
    """Running counts while a file is imported (mutable; becomes an ImportReport at the end)."""

    rows_total: int = 0
    rows_imported: int = 0
    rows_unchanged: int = 0
    rejections: list[RowRejection] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)

    def reject(self, row: int, column: str | None, reason: str) -> None:
        self.rejections.append(RowRejection(row=row, column=column, reason=reason))
        self.rejected_rows.add(row)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected_rows)

    @property
    def rows_done(self) -> int:
        return self.rows_imported + self.rows_unchanged + self.rows_rejected

    def sorted_rejections(self) -> tuple[RowRejection, ...]:
        return tuple(sorted(self.rejections, key=lambda r: r.row))
