"""Reading CSV and XLSX files into numbered rows of text cells.

Row numbers are what a person sees: the header is row 1; for CSV a row is numbered by the
line it starts on (quoted cells may span lines), for XLSX by its spreadsheet row.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from store.control_chars import from_spreadsheet_cell
from store.importer.errors import MissingColumns, UnreadableFile

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_DELIMITERS = (",", ";", "\t")


def normalise_header(name: object) -> str:
    """'  Order Ref ' -> 'order_ref': case, surrounding spaces and inner spacing don't matter."""
    text = "" if name is None else str(name)
    return re.sub(r"[\s\-]+", "_", text.strip().lstrip("\ufeff").strip()).lower()


@dataclass(frozen=True)
class Table:
    """An opened import file: its normalised header and a way to iterate its data rows."""

    path: Path
    header: tuple[str, ...]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells as stripped text) for each non-blank data row."""
        suffix = self.path.suffix.lower()
        raw = _xlsx_rows(self.path) if suffix in XLSX_SUFFIXES else _csv_rows(self.path)
        width = len(self.header)
        for row_no, cells in raw:
            if row_no == 1:
                continue
            if not any(cells):
                continue
            cells = [from_spreadsheet_cell(c) if c[:1] == "'" else _composed(c) for c in cells]
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield row_no, cells

    def columns(self, *, kind: str, expected: list[str], required: list[str]) -> dict[str, int]:
        """Column name -> cell index for the expected columns present; raises MissingColumns
        naming the required ones that are absent."""
        index: dict[str, int] = {}
        for i, name in enumerate(self.header):
            if name in expected and name in index:  # which one is meant? Not ours to guess
                raise UnreadableFile(self.path.name, (
                    f"the header row has the column {name} twice (columns {index[name] + 1} "
                    f"and {i + 1}); keep one and import again."))
            index.setdefault(name, i)
        missing = [name for name in required if name not in index]
        if missing:
            raise MissingColumns(self.path.name, kind, missing, expected)
        return {name: index[name] for name in expected if name in index}


def open_table(path: Path) -> Table:
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(str(path), "no such file.")
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
        raise UnreadableFile(
            path.name, f"'{suffix or 'no extension'}' files aren't supported; use .csv or .xlsx."
        )
    reader = _xlsx_rows(path) if suffix in XLSX_SUFFIXES else _csv_rows(path)
    try:
        first = next(reader, None)
    finally:
        reader.close()
    if first is None or first[0] != 1 or not any(first[1]):
        raise UnreadableFile(path.name, "the first row must be the header row with column names.")
    return Table(path=path, header=tuple(normalise_header(c) for c in first[1]))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _composed(text: str) -> str:
    """Text as one composed form (NFC): macOS and some exports write 'Ü' as U followed by a
    combining mark, which looks the same and compared unequal to the stored code."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _first_undecodable_line(path: Path) -> tuple[int, str]:
    """The line number and text of the first line that is not UTF-8 (read as Windows-1252,
    what such files usually are), for an error people can act on."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as err:  # the words around the first odd byte
                around = raw[max(0, err.start - 30):err.start + 30]
                return number, around.decode("cp1252", errors="replace").strip()
    return 0, ""


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    # utf-8-sig drops the byte-order mark Excel writes at the start of "CSV UTF-8" files.
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            first_line = handle.readline()
            handle.seek(0)
            reader = csv.reader(handle, delimiter=_sniff_delimiter(first_line))
            consumed = 0
            for cells in reader:
                start, consumed = consumed + 1, reader.line_num
                yield start, [c.strip() for c in cells]
        except UnicodeDecodeError:
            line, text = _first_undecodable_line(path)
            raise UnreadableFile(
                path.name,
                f"it is not UTF-8 text: line {line} ('{text}') looks like another encoding, "
                "such as Windows or Latin-1. Save it as 'CSV UTF-8' and try again.",
            ) from None
        except csv.Error as err:
            raise UnreadableFile(path.name, f"line {reader.line_num}: {err}.") from None


# An import sheet's columns: the widest contract has 19; extra columns are ignored, but a cell
# thousands of columns out is a stray, and each row would be padded out to it.
MAX_XLSX_COLUMNS = 200


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as they are in the file: read-only and streaming, only the rows
    that hold cells (a sheet whose declared dimension reaches XFD1048576 is not padded out to
    it), at most MAX_XLSX_COLUMNS wide. A formula whose value was never saved (a file written
    by a program, not by a spreadsheet) would read as blank: refused, naming the cell."""
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise UnreadableFile(path.name, f"it is not a readable .xlsx workbook ({err}).") from None
    try:
        sheet = workbook.worksheets[0]
        # The sheet's own rows, not iter_rows(): that pads every gap up to the declared extent.
        with sheet._get_source() as source:
            parser = _values_parser()(source, sheet._shared_strings, data_only=True,
                                      epoch=workbook.epoch,
                                      date_formats=workbook._date_formats,
                                      timedelta_formats=workbook._timedelta_formats)
            for row_no, cells in parser.parse():
                yield row_no, _row_values(path.name, row_no, cells)
    except _NoCachedValue as err:
        raise UnreadableFile(path.name, (
            f"cell {err.cell} holds a formula whose value was never saved, so it would import "
            "as blank. Open the file in a spreadsheet and save it again (that stores the "
            "values), or replace the formulas by their values. Nothing was imported.")) from None
    finally:
        workbook.close()


def _row_values(name: str, row_no: int, cells: list[dict]) -> list[str]:
    if not cells:
        return []
    width = max(cell["column"] for cell in cells)
    if width > MAX_XLSX_COLUMNS:
        from openpyxl.utils import get_column_letter

        far = get_column_letter(width)
        raise UnreadableFile(name, (
            f"row {row_no} has a cell in column {far} ({width:,} columns across); an import "
            f"sheet has at most {MAX_XLSX_COLUMNS} columns. Delete what is in {far}{row_no} "
            "and the columns before it that aren't data, or save the sheet as CSV."))
    values = [""] * width
    for cell in cells:
        values[cell["column"] - 1] = _cell_text(cell["value"])
    return values


class _NoCachedValue(Exception):
    def __init__(self, cell: str):
        super().__init__(cell)
        self.cell = cell


@functools.cache
def _values_parser():
    """Built on first use: only XLSX imports import openpyxl."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class ValuesParser(WorkSheetParser):
        """openpyxl's sheet parser, reading saved values (data_only), which also notices a
        formula with no saved value: data_only alone reads it as an empty cell."""

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                raise _NoCachedValue(element.get("r") or f"row {cell['row']}")
            return cell

    return ValuesParser


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # As Excel shows it: 15 significant digits. A formula's =3*1.1 is saved as
        # 3.3000000000000003, refused as "more decimals than USD allows" though it reads 3.30.
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()
