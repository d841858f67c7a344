"""What a rep sees: their own accounts in full; other reps' accounts per
ORDERDESK_REP_VISIBILITY (status by default: status and dates, no prices, lines, addresses,
notes or tracking numbers); the desk sees everything."""

import json

import pytest

from bot.config import ConfigError, Settings
from messages.actions import ThreadActions
from tests.support.threads import answer_in, ask, buttons
from tests.support.threads_desk import build_threads_desk, start

SALES1, SALES2, PROCESSOR, MANAGER = "U0SALES1", "U0SALES2", "U0PROC1", "U0MGR1"
# SO-1043 is Beta's (U0SALES1's account): on credit hold with a note, a price problem, $144.95,
# PO 4500012345 (shown in full sight only, as on the card and in /order's candidates).
PRIVATE = ("$", "Main St", "GIZ-2001-RD", "waiting on credit approval", "contract says",
           "4500012345")


def answer_text(stack, question: str, user: str) -> str:
    channel, thread = ask(stack.sb, question, user=user)
    return json.dumps(answer_in(stack.sb, channel, thread).blocks, ensure_ascii=False)


def test_a_rep_sees_their_own_accounts_order_in_full(tstack):
    text = answer_text(tstack, "status of SO-1043", SALES1)
    assert all(secret in text for secret in PRIVATE)
    assert "Status only" not in text


def test_another_reps_account_shows_status_and_dates_only(tstack):
    text = answer_text(tstack, "status of SO-1043", SALES2)
    assert not any(secret in text for secret in PRIVATE), text
    for shown in ("SO-1043", "On hold", "Credit hold", "Price mismatch", "Ordered",
                  "Nov 21, 2026", "Status only", "<@U0SALES1>"):
        assert shown in text


def test_a_tracking_number_of_another_reps_account_is_not_repeated_back(tstack):
    text = answer_text(tstack, "tracking for 1Z999AA10123456784", SALES2)
    assert "SO-1044" in text and "Shipped <!date^" in text and "|Nov 23, 2026> via UPS" in text
    assert "1Z999AA10123456784" not in text and "ups.com" not in text


@pytest.mark.parametrize("user", [PROCESSOR, MANAGER])
def test_the_desk_sees_every_account_in_full(tstack, user):
    text = answer_text(tstack, "status of SO-1043", user)
    assert all(secret in text for secret in PRIVATE)


def test_the_details_button_applies_the_policy_to_whoever_presses_it(tstack):
    sb = tstack.sb
    channel, thread = ask(sb, "beta orders", user=SALES1)
    listing = answer_in(sb, channel, thread)
    row = [b for b in buttons(listing, ThreadActions.SHOW) if b["value"] == "SO-1043"][0]
    sb.click(row["action_id"], user=SALES2, message=listing)
    detail = json.dumps(answer_in(sb, channel, thread, count=2).blocks, ensure_ascii=False)
    assert "SO-1043" in detail and "Status only" in detail and "$" not in detail


def test_policy_full_shows_other_reps_accounts_in_full(frozen_clock, db):
    stack, running = start(db, {"ORDERDESK_REP_VISIBILITY": "full"})
    try:
        build_threads_desk(db)
        text = answer_text(stack, "status of SO-1043", SALES2)
        assert all(secret in text for secret in PRIVATE)
    finally:
        running.stop()
        stack.sb.stop()


def test_the_visibility_setting_defaults_to_status_and_refuses_anything_else():
    assert Settings.from_env({}).rep_visibility == "status"
    assert Settings.from_env({"ORDERDESK_REP_VISIBILITY": " Full "}).rep_visibility == "full"
    with pytest.raises(ConfigError, match="ORDERDESK_REP_VISIBILITY"):
        Settings.from_env({"ORDERDESK_REP_VISIBILITY": "everything"})
