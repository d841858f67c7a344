"""Issue #14 item 7: XLSX imports read only the cells there are (read-only, streaming, no
padding out to a declared XFD1048576), refuse a stray cell thousands of columns out, and
refuse a formula whose value was never saved, naming the cell, before anything is written."""

import re
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from store.importer import UnreadableFile, import_file
from store.importer.reading import MAX_XLSX_COLUMNS, open_table
from store.models import Customer
from tests.support.imports import load_reference

HEADER = ["customer_code", "name", "currency", "credit_limit"]


@pytest.fixture
def loaded(db):
    load_reference(db)
    return db


def customers(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Customer))


def rewrite_sheet(path, edit) -> None:
    """Change the first sheet's XML in place, as another program might have written it."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = edit(parts[name].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)


def workbook(path, rows) -> None:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def test_a_formula_without_a_saved_value_is_refused_naming_the_cell(loaded, tmp_path):
    path = tmp_path / "customers.xlsx"
    workbook(path, [HEADER, ["NEWCO", "New Co", "USD", "=A1"]])  # openpyxl saves no values
    before = customers(loaded)
    with pytest.raises(UnreadableFile) as refused:
        import_file(loaded, kind="customers", path=path)
    assert "cell D2 holds a formula" in str(refused.value)
    assert customers(loaded) == before


def test_a_formula_with_its_saved_value_imports_the_value(loaded, tmp_path):
    path = tmp_path / "customers.xlsx"
    workbook(path, [HEADER, ["NEWCO", "New Co", "USD", "=A1"]])
    rewrite_sheet(path, lambda xml: re.sub(r"<f>A1</f><v\s*/?>(</v>)?", "<f>A1</f><v>5000</v>",
                                           xml))
    report = import_file(loaded, kind="customers", path=path)
    assert report.rows_imported == 1
    with loaded.read() as s:
        limit = s.scalar(select(Customer.credit_limit_minor).where(Customer.code == "NEWCO"))
    assert limit == 500_000


def test_a_declared_extent_of_xfd1048576_is_not_read_cell_by_cell(loaded, tmp_path):
    path = tmp_path / "customers.xlsx"
    workbook(path, [HEADER, ["NEWCO", "New Co", "USD", "10"]])
    rewrite_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]*"',
                                           '<dimension ref="A1:XFD1048576"', xml))
    rows = list(open_table(path).rows())
    assert [(n, len(cells)) for n, cells in rows] == [(2, 4)]  # not 1,048,575 rows x 16,384
    assert import_file(loaded, kind="customers", path=path).rows_imported == 1


def test_a_5_kb_workbook_with_one_cell_at_xfd1048576_is_refused_clearly(loaded, tmp_path):
    path = tmp_path / "customers.xlsx"
    book = Workbook()
    book.active["XFD1048576"] = "x"
    book.save(path)
    assert path.stat().st_size < 10_000
    with pytest.raises(UnreadableFile) as refused:
        import_file(loaded, kind="customers", path=path)
    assert "column XFD" in str(refused.value) and f"at most {MAX_XLSX_COLUMNS}" in str(
        refused.value)


def test_a_stray_cell_far_right_in_a_data_row_is_refused_naming_it(loaded, tmp_path):
    path = tmp_path / "customers.xlsx"
    book = Workbook()
    for row in (HEADER, ["NEWCO", "New Co", "USD", "10"]):
        book.active.append(row)
    book.active["ZZ2"] = "oops"
    book.save(path)
    before = customers(loaded)
    with pytest.raises(UnreadableFile, match="ZZ2"):
        import_file(loaded, kind="customers", path=path)
    assert customers(loaded) == before
