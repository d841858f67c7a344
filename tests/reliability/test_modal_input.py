"""Arbitrary values in the order editor: each submission is saved or answered with
`response_action: errors` naming fields, never a 500, never a partial write."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.app_stack import PROCESSOR
from tests.support.reliability import (
    ANY_CHAR,
    FAST,
    FRAGMENTS,
    ErrorLog,
    editor,
    snapshot,
    unexpected_errors,
)


def cell(max_len: int):
    """What a plain text input can hold: anything up to its max_length."""
    return st.one_of(st.text(ANY_CHAR, max_size=max_len), st.sampled_from(FRAGMENTS).map(
        lambda s: s[:max_len]), st.from_regex(r"-?\d{0,7}([.,]\d{0,4})?", fullmatch=True).map(
        lambda s: s[:max_len]))


FIELDS = st.fixed_dictionaries({}, optional={
    "lines.1.quantity": cell(9), "lines.2.quantity": cell(9),
    "lines.1.unit_price": cell(20), "lines.2.unit_price": cell(20),
    "ship_to.postal_code": cell(32), "ship_to.country": cell(2),
    "requested_date": st.one_of(st.dates().map(str), st.text(ANY_CHAR, max_size=12)),
})


def test_any_editor_values_are_saved_or_refused_under_their_fields(stack, desk):
    sb, outcomes = stack.sb, {"saved": 0, "errors": 0, "client": 0}
    with ErrorLog() as log:
        @settings(FAST, max_examples=50)
        @given(values=FIELDS)
        @example(values={"lines.2.unit_price": "9" * 20})  # found: BIGINT overflow on save
        def check(values):
            view, before = editor(sb), snapshot(stack.db)
            delivery = sb.submit(view, values, user=PROCESSOR)
            if not delivery.sent:  # Slack's client refuses it (empty required, not a number)
                outcomes["client"] += 1
                sb.close_view(view, user=PROCESSOR)
                return
            assert delivery.status == 200 and not delivery.late, (values, delivery.status)
            assert not delivery.problems, (values, delivery.problems)
            body = delivery.body if isinstance(delivery.body, dict) else {}
            if body.get("response_action") == "errors":
                outcomes["errors"] += 1
                assert body["errors"] and set(body["errors"]) <= {
                    b.get("block_id") for b in view.blocks}, (values, body)
                assert snapshot(stack.db) == before, values  # nothing written
                sb.close_view(view, user=PROCESSOR)  # the next example starts from the order
            else:
                outcomes["saved"] += 1
            assert log.seen == [] and unexpected_errors(sb) == [], (values, log.seen)

        check()
    assert outcomes["errors"] and outcomes["saved"], outcomes  # both ways were exercised
