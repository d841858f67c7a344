"""Characters Python calls digits (str.isdigit: '²', '①') that int() refuses, typed where a
command takes a number: a usage answer, never "Something went wrong" (the store's fields are
tests/store/fulfilment)."""

import json

import pytest

from bench.app_stack import ADMIN, CHANNEL


@pytest.mark.parametrize("text,usage", [
    ("outbox retry ²", "Usage: `/orders outbox"),
    ("outbox retry #①", "Usage: `/orders outbox"),
    ("mail retry ²", "Usage: `/orders mail"),
    ("digest list ²", None),  # a page number: not one, so the first page
])
def test_a_number_sign_in_a_command_gets_its_usage_not_an_error(stack, desk, text, usage):
    delivery = stack.sb.slash("/orders", text, user=ADMIN, channel=CHANNEL)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    answer = stack.sb.ephemerals(user=ADMIN, channel=CHANNEL)[-1]
    said = json.dumps(answer.blocks) + answer.text
    assert "went wrong" not in said, said
    if usage:
        assert usage in said, said


@pytest.mark.parametrize("text,answer", [
    ("outbox retry 99999999999999999999999", "no such undelivered post"),
    ("mail retry 99999999999999999999999", "no such undelivered mail"),
    ("digest unsubscribe 99999999999999999999999", "No digest subscription"),
])
def test_an_id_longer_than_any_row_has_is_no_such_row(stack, desk, text, answer):
    """It was "too large for Orderdesk to store … an order may total at most …": the answer
    for a price, not for an id that names nothing."""
    delivery = stack.sb.slash("/orders", text, user=ADMIN, channel=CHANNEL)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    said = stack.sb.ephemerals(user=ADMIN, channel=CHANNEL)[-1]
    said = json.dumps(said.blocks) + said.text
    assert answer in said and "total at most" not in said, said
