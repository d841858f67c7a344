"""Arbitrary text to every slash command through the sandbox: each request is acked in time
with valid Block Kit, the user sees an answer, and nothing fails unexpectedly."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.app_stack import ADMIN, CHANNEL, MANAGER, PROCESSOR, SALES
from tests.support.reliability import (
    FAST,
    TEXT,
    ErrorLog,
    answer_marks,
    pings,
    shows_an_answer,
    unexpected_errors,
)

ORDER_FORMS = [("/order", ""), ("/order", "edit "), ("/order", "history "),
               ("/order", "flag "), ("/customer", ""), ("/stock", "")]
ADMIN_FORMS = [("/orders", f"{sub} ") for sub in ("role", "route", "queue", "digest", "report")]
USERS = st.sampled_from([PROCESSOR, SALES, MANAGER, ADMIN])


def send_and_check(stack, command: str, prefix: str, text: str, user: str) -> None:
    sb = stack.sb
    before = answer_marks(sb, user)
    delivery = sb.slash(command, prefix + text, user=user, channel=CHANNEL)
    label = f"{command} {prefix}{text[:80]!r} as {user}"
    assert delivery.status == 200, (label, delivery.status, delivery.body)
    assert not delivery.late, (label, delivery.ack_ms)
    assert not delivery.problems, (label, delivery.problems)
    assert shows_an_answer(sb, delivery, user, before), label
    assert unexpected_errors(sb) == [], label
    assert pings(sb) == [], label  # user text echoed back is escaped, never a live mention
    for view in sb.views(user=user):  # keep the user's modal stack short
        sb.close_view(view, user=user)


def run_forms(stack, forms, examples):
    with ErrorLog() as errors:
        @settings(FAST, max_examples=examples)
        @given(form=st.sampled_from(forms), text=TEXT, user=USERS)
        @example(form=forms[0], text="<!channel>", user=PROCESSOR)
        @example(form=forms[-1], text="x" * 4000, user=ADMIN)
        @example(form=forms[1], text="\x01\x1f\x7f", user=ADMIN)
        def check(form, text, user):
            send_and_check(stack, *form, text, user)
            assert errors.seen == [], errors.seen

        check()
        assert errors.seen == [], errors.seen
    assert unexpected_errors(stack.sb) == []
    assert len(stack.sb.acks) >= examples  # the examples really went through the app


def test_any_text_to_the_order_commands_gets_a_clear_answer(stack, desk):
    run_forms(stack, ORDER_FORMS, 60)


def test_any_text_to_the_admin_commands_gets_a_clear_answer(stack, desk):
    run_forms(stack, ADMIN_FORMS, 50)
