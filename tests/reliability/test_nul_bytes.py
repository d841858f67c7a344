"""A NUL character in user text, at every door. SQLite stores it; PostgreSQL refuses it in
text columns and parameters, so each door deals with it first (store.control_chars) and both
databases answer the same: command text loses it, a modal field or an import cell or an intake
field holding one is refused with the field named, and nothing is stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bench.app_stack import CHANNEL, PROCESSOR, SECRET, order
from bench.security_probes import intake_post, intake_signature
from store.importer import import_file
from store.models import Discrepancy, Order
from tests.support.imports import ORDER_HEADER, load_reference, order_row, write_csv
from tests.support.reliability import (
    ErrorLog,
    answer_marks,
    blocks_text,
    editor,
    shows_an_answer,
    snapshot,
    unexpected_errors,
)
from tests.support.threads import answer_in, ask, refs_of


def orders(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Order))


def shown_to(sb, delivery, user: str) -> str:
    """Everything the command's answer showed: the ack, ephemerals and open modals."""
    shown = [json.dumps(delivery.body, ensure_ascii=False)]
    shown += [blocks_text(m) for m in sb.ephemerals(user=user)]
    shown += [json.dumps(v.blocks, ensure_ascii=False) for v in sb.views(user=user)]
    return "\n".join(shown)


@pytest.mark.parametrize(("command", "text", "understood"), [
    ("/order", "SO-1042\x00", "SO-1042"), ("/order", "history SO-\x001042", "SO-1042"),
    ("/customer", "ac\x00me", "Acme"), ("/stock", "WID\x00-1001-BL", "WID-1001-BL"),
    ("/order", "flag SO-1042 wet\x00box", "wetbox"),
])
def test_a_nul_in_a_slash_command_is_dropped_before_parsing(stack, desk, command, text,
                                                            understood):
    with ErrorLog() as log:
        before = answer_marks(stack.sb, PROCESSOR)
        delivery = stack.sb.slash(command, text, user=PROCESSOR, channel=CHANNEL)
        assert delivery.status == 200 and not delivery.problems, delivery.problems
        assert shows_an_answer(stack.sb, delivery, PROCESSOR, before)
        assert unexpected_errors(stack.sb) == [] and log.seen == []
    shown = shown_to(stack.sb, delivery, PROCESSOR)
    assert understood in shown and "\\u0000" not in shown, shown[:500]


@pytest.mark.parametrize("how", ["mention", "thread", "dm"])
def test_a_nul_in_a_thread_question_is_dropped_before_parsing(tstack, how):
    with ErrorLog() as log:
        channel, thread = ask(tstack.sb, "status of SO-\x001042?", user="U0SALES1", how=how)
        assert refs_of(answer_in(tstack.sb, channel, thread)) == ("SO-1042",)
    assert log.seen == []


def test_a_flag_reason_with_a_nul_is_stored_without_it(stack, desk):
    delivery = stack.sb.slash("/order", "flag SO-1042 wet\x00box", user=PROCESSOR,
                              channel=CHANNEL)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    with stack.db.read() as s:
        assert list(s.scalars(select(Discrepancy.title))) == ["wetbox"]


def test_a_nul_in_an_editor_field_is_refused_under_that_field(stack, desk):
    view, before = editor(stack.sb), snapshot(stack.db)
    with ErrorLog() as log:
        delivery = stack.sb.submit(view, {"ship_to.postal_code": "62\x00704"}, user=PROCESSOR)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    assert log.seen == [] and unexpected_errors(stack.sb) == [], log.seen
    body = delivery.body or {}
    assert body.get("response_action") == "errors", body
    assert list(body["errors"]) == ["ship_to.postal_code"]
    assert "NUL character" in body["errors"]["ship_to.postal_code"]
    assert snapshot(stack.db) == before


@pytest.mark.parametrize("column", ["order_ref", "notes", "sku"])
def test_a_nul_in_an_import_cell_rejects_the_row_naming_the_column(db, tmp_path, column):
    load_reference(db)
    cells = {"order_ref": "NUL-1", "notes": "n", "sku": "WID-1001-BL", column: "x\x00y"}
    ref = cells.pop("order_ref")
    path = write_csv(tmp_path / "nul.csv", ORDER_HEADER, [order_row(ref, **cells)])
    report = import_file(db, kind="orders", path=path)
    assert (report.rows_imported, report.rows_rejected) == (0, 1)
    [rejection] = report.rejections
    assert rejection.column == column and "NUL character" in rejection.reason
    assert orders(db) == 0


@pytest.mark.parametrize("kind", ["customers", "catalog"])
def test_a_nul_in_a_reference_import_rejects_only_that_row(db, tmp_path, kind):
    if kind == "customers":
        header = ["customer_code", "name", "currency"]
        rows = [["GOOD", "Good Co", "USD"], ["BAD", "Bad\x00 Co", "USD"]]
    else:
        header = ["sku", "name", "unit_price", "currency"]
        rows = [["GOOD-1", "Good", "1.00", "USD"], ["BAD-1", "Bad\x00", "1.00", "USD"]]
    report = import_file(db, kind=kind, path=write_csv(tmp_path / "r.csv", header, rows))
    assert (report.rows_imported, report.rows_rejected) == (1, 1)
    [rejection] = report.rejections
    assert (rejection.row, rejection.column) == (3, "name") and "NUL" in rejection.reason


@pytest.mark.parametrize("field", ["order_ref", "notes", "po_number", "lines[0].sku"])
def test_a_nul_in_an_intake_field_gets_a_400_naming_it(intake, field):
    body = order("NUL-1")
    if field.startswith("lines"):
        body["lines"][0]["sku"] = "x\x00y"
    else:
        body[field] = "x\x00y"
    data = json.dumps(body).encode()
    before = orders(intake.db)
    status, answer = intake_post(intake.sb, data, intake_signature(SECRET, data))
    assert (status, answer["field"]) == (400, field), answer
    assert "NUL character" in answer["error"]
    assert orders(intake.db) == before
