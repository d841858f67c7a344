"""Arbitrary cells in an orders CSV: import_file never raises, every row is imported or
rejected with row, column and reason, and a rejected order leaves nothing behind."""

from __future__ import annotations

import csv
import itertools

from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from store.importer import import_file
from store.models import Order, OrderLine
from tests.support.imports import ORDER_HEADER, load_reference, order_row, write_csv
from tests.support.reliability import ANY_CHAR, FAST, FRAGMENTS

PLAIN = st.text(alphabet=ANY_CHAR, max_size=30)
NUMBERS = st.sampled_from(["1", "3.0", "0", "-2", "1e3", "1e20", "99999999999", "2.5", "",
                           "NaN", "Infinity", "1,5", " 4 ", "12.50", "0.001", "1E+30"])
CELLS = {
    "quantity": st.one_of(NUMBERS, PLAIN),
    "unit_price": st.one_of(NUMBERS, PLAIN, st.decimals(allow_nan=True).map(str)),
    "order_date": st.one_of(st.sampled_from(["2024-05-04", "2024-02-30", "05/04/2024",
                                             "2024-05-04T10:00:00+02:00", "0001-01-01",
                                             "9999-12-31T23:59:59Z", ""]), PLAIN),
    "currency": st.one_of(st.sampled_from(["USD", "usd", "EUR", "JPY", "XYZ", "", "US"]), PLAIN),
    "payment_status": st.one_of(st.sampled_from(["awaiting", "captured", "paid", "", "FAILED"]),
                                PLAIN),
    "customer_code": st.one_of(st.sampled_from(["ACME", "NOBODY", "acme", ""]), PLAIN),
}
ROW = st.fixed_dictionaries({"ref": st.one_of(st.sampled_from("ABC"), PLAIN,
                                              st.sampled_from(FRAGMENTS))},
                            optional=CELLS)
_files = itertools.count()


def lines_by_ref(db) -> dict[str, int]:
    with db.read() as s:
        return dict(s.execute(select(Order.ref, func.count(OrderLine.id)).join(
            OrderLine, OrderLine.order_id == Order.id, isouter=True).group_by(Order.ref)).all())


def record_rows(path) -> list[int]:
    """The file row (line) each record starts on, header = 1: a quoted newline in a cell
    makes a record span lines, and the import names rows the way an editor shows them."""
    starts, consumed = [], 0
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        for _ in reader:
            starts.append(consumed + 1)
            consumed = reader.line_num
    return starts[1:]


def test_any_order_cells_are_imported_whole_or_rejected_with_a_reason(db, tmp_path):
    load_reference(db)
    totals = {"imported": 0, "rejected": 0}

    @settings(FAST, max_examples=40)
    @given(rows=st.lists(ROW, min_size=1, max_size=6))
    @example(rows=[{"ref": "A"}, {"ref": "A", "quantity": "1e20"}])  # found: INTEGER overflow
    @example(rows=[{"ref": "A", "order_date": "9999-12-31T23:59:59Z"}])  # found: date overflow
    @example(rows=[{"ref": "C", "unit_price": "9" * 20}])  # found: BIGINT overflow
    @example(rows=[{"ref": "B", "order_date": "0001-01-01T00:00:00+05:00"}])
    def check(rows):
        n = next(_files)
        # the short names stand for this file's orders A/B/C, so orders span several rows
        refs = [f"F{n}-{r['ref']}" if r["ref"] in ("A", "B", "C") else r["ref"] for r in rows]
        cells = [order_row(ref, **{("price" if k == "unit_price" else k): v
                                   for k, v in r.items() if k != "ref"})
                 for ref, r in zip(refs, rows, strict=True)]
        path = write_csv(tmp_path / f"orders-{n}.csv", ORDER_HEADER, cells)
        starts = record_rows(path)
        before = lines_by_ref(db)
        report = import_file(db, kind="orders", path=path)
        after = lines_by_ref(db)

        assert report.rows_total == len(rows)
        assert report.rows_imported + report.rows_unchanged + report.rows_rejected == len(rows)
        for r in report.rejections:
            assert r.row in starts and r.reason, (r, starts)
            assert r.column is None or r.column in ORDER_HEADER, r
        rejected = {r.row for r in report.rejections}
        new = {ref: count for ref, count in after.items() if before.get(ref) != count}
        for ref, count in new.items():  # a new order has every one of its rows, no fewer
            rows_of = [n for n, x in zip(starts, refs, strict=True) if x.strip() == ref]
            assert count == len(rows_of) and not rejected & set(rows_of), (ref, count, rows_of)
        totals["imported"] += report.rows_imported
        totals["rejected"] += report.rows_rejected

    check()
    assert totals["imported"] and totals["rejected"], totals
