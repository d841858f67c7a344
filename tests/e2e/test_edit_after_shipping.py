"""Lines edited after shipping move the order's fulfilment as a shipment would. Before, the
stage stayed as it was: a line dropped or lowered to what shipped left the order
partially_shipped with nothing to ship, flagged late for ever by the clock; a quantity raised
after everything shipped left it shipped with units owed, which could never be released."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bench.app_stack import CHANNEL, PROCESSOR
from store.enums import DiscrepancyStatus
from store.fulfilment import flag_late_orders
from store.models import Discrepancy, Event, Order


def stage(ful, ref="SO-2001") -> str:
    with ful.db.read() as s:
        return s.scalars(select(Order).where(Order.ref == ref)).one().fulfilment_status.value


def open_late(ful) -> list[str]:
    with ful.db.read() as s:
        return list(s.scalars(select(Discrepancy.title).where(
            Discrepancy.type == "late", Discrepancy.status != DiscrepancyStatus.RESOLVED)))


def ship_all_but_line_3(ful) -> None:
    ful.slash("release SO-2001")
    ful.submit(ful.modal("ship SO-2001"), {"carrier": "FedEx", "tracking": "123456789012",
                                           "qty.l3": "0"})
    ful.said(PROCESSOR, "the rest can ship later")
    assert stage(ful) == "partially_shipped"


def test_removing_the_last_unshipped_line_leaves_the_order_shipped_and_never_late(ful, set_clock):
    ship_all_but_line_3(ful)
    ful.submit(ful.modal("edit SO-2001"), {"lines.remove": ["3"]})
    assert stage(ful) == "shipped"
    with ful.db.read() as s:
        edit = s.scalars(select(Event).where(Event.kind == "edited")).all()[-1]
    assert {"field": "fulfilment", "before": "partially_shipped", "after": "shipped"} in [
        {k: c[k] for k in ("field", "before", "after")} for c in edit.changes]
    set_clock.advance(timedelta(days=8))
    flag_late_orders(ful.db)
    assert open_late(ful) == []


def test_an_open_late_flag_resolves_when_the_edit_leaves_nothing_to_ship(ful, set_clock):
    ship_all_but_line_3(ful)
    set_clock.advance(timedelta(days=8))
    flag_late_orders(ful.db)
    assert len(open_late(ful)) == 1
    ful.submit(ful.modal("edit SO-2001"), {"lines.remove": ["3"]})
    assert stage(ful) == "shipped" and open_late(ful) == []


def test_raising_a_quantity_after_everything_shipped_can_be_released_again(ful):
    ful.slash("release SO-2001")
    ful.submit(ful.modal("ship SO-2001"), {"carrier": "FedEx", "tracking": "123456789012"})
    ful.said(PROCESSOR, "Everything has shipped")
    assert stage(ful) == "shipped"
    ful.submit(ful.modal("edit SO-2001"), {"lines.1.quantity": "6"})
    assert stage(ful) == "partially_shipped"
    answer = ful.sb.slash("/order", "release SO-2001", user=PROCESSOR, channel=CHANNEL)
    assert "not ready" not in json.dumps(answer.body)
    with ful.db.read() as s:
        line = s.scalars(select(Order).where(Order.ref == "SO-2001")).one().lines[0]
        assert line.quantity_reserved + line.quantity_backordered == 2
