"""Flags by hand (command, modal, card button, message shortcut), the queue and its buttons,
and routes as admins set them."""

from __future__ import annotations

import json

from bench.app_stack import ADMIN, CHANNEL, PROCESSOR, SALES, TRIAGE, action_id, text_of
from bench.triage_desk import row
from messages.actions import OrderActions, TriageActions
from messages.actions import TriageActions as A


def clean_order(t, tmp_path, ref="SO-9201"):
    t.import_problems(tmp_path, [row(ref, "WID-1001-BL", 1, "12.50")])


def test_flag_with_a_reason_posts_a_parent_and_tells_the_rep_once(triage, tmp_path):
    t = triage
    clean_order(t, tmp_path)
    for _ in range(2):  # the same flag twice (a retried command) opens one item
        answer = t.sb.slash("/order", "flag SO-9201 wrong colour <!channel>", user=SALES,
                            channel=CHANNEL)
        assert answer.status == 200 and not answer.problems, answer.problems
    assert "already flagged" in json.dumps(answer.body)
    parent = t.parent("SO-9201")
    assert "wrong colour &lt;!channel&gt;" in text_of(parent)
    t.sb.wait_for(lambda: len(t.dms(SALES)) == 1)
    assert len(t.parents(TRIAGE)) == 1


def test_flag_without_a_reason_opens_a_modal_and_a_bad_ref_is_said_under_it(triage, tmp_path):
    t = triage
    clean_order(t, tmp_path)
    assert t.sb.slash("/order", "flag", user=PROCESSOR, channel=CHANNEL).status == 200
    t.sb.wait_for(lambda: t.sb.views(user=PROCESSOR))
    view = t.sb.views(user=PROCESSOR)[-1]
    t.sb.submit(view, {"ref": "SO-404", "reason": "late truck"}, user=PROCESSOR)
    assert view.is_open and "SO-404" in json.dumps(view.errors)
    t.sb.submit(view, {"ref": "SO-9201"}, user=PROCESSOR)
    assert not view.is_open
    assert "late truck" in text_of(t.parent("SO-9201"))


def test_the_flag_button_on_the_order_card_opens_the_modal_for_that_order(triage, tmp_path):
    t = triage
    clean_order(t, tmp_path)
    t.sb.slash("/order", "SO-9201", user=PROCESSOR, channel=CHANNEL)
    card = t.sb.ephemerals(user=PROCESSOR)[-1]
    t.sb.click(OrderActions.FLAG, user=PROCESSOR, message=card)
    t.sb.wait_for(lambda: t.sb.views(user=PROCESSOR))
    view = t.sb.views(user=PROCESSOR)[-1]
    assert view.callback_id == TriageActions.FLAG_CALLBACK
    delivery = t.sb.submit(view, {"reason": "dented box"}, user=PROCESSOR)
    assert not delivery.problems, delivery.problems
    assert "dented box" in text_of(t.parent("SO-9201"))


def test_the_message_shortcut_finds_the_order_in_the_message(triage, tmp_path):
    t = triage
    clean_order(t, tmp_path)
    said = t.sb.say("Customer says SO-9201 arrived wet", user=SALES, channel=CHANNEL)
    assert said.status == 200
    message = t.sb.messages(CHANNEL)[-1]
    t.sb.message_shortcut(TriageActions.FLAG_SHORTCUT, message=message, user=SALES)
    t.sb.wait_for(lambda: t.sb.views(user=SALES))
    view = t.sb.views(user=SALES)[-1]
    blocks = {b["block_id"]: b for b in view.blocks}
    assert blocks["ref"]["element"]["initial_value"] == "SO-9201"
    t.sb.submit(view, {}, user=SALES)
    assert "arrived wet" in text_of(t.parent("SO-9201"))


def test_the_queue_lists_oldest_first_and_its_buttons_work(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    t.sb.wait_for(lambda: len(t.parents(TRIAGE)) == 7)
    answer = t.sb.slash("/orders", "queue", user=PROCESSOR, channel=CHANNEL)
    assert answer.status == 200 and not answer.problems, answer.problems
    queue = t.sb.ephemerals(user=PROCESSOR)[-1]
    assert "*8* open discrepancies" in text_of(queue)
    first = action_id(queue, A.ASSIGN_ME)
    t.sb.click(first, user=PROCESSOR, message=queue)
    t.sb.wait_for(lambda: any("Assigned." in text_of(m) for m in t.sb.ephemerals(user=PROCESSOR)))
    mine = t.sb.slash("/orders", "queue mine", user=PROCESSOR, channel=CHANNEL)
    assert "*1* open discrepancy" in json.dumps(mine.body)
    price = t.sb.slash("/orders", "queue price_mismatch", user=PROCESSOR, channel=CHANNEL)
    assert "SO-9002" in json.dumps(price.body) and "SO-9001" not in json.dumps(price.body)
    bad = t.sb.slash("/orders", "queue everything", user=PROCESSOR, channel=CHANNEL)
    assert "not a queue filter" in json.dumps(bad.body)


def test_routes_are_listed_and_only_admins_change_them(triage):
    t = triage
    listing = t.sb.slash("/orders", "route", user=ADMIN, channel=CHANNEL)
    assert "<#C0WH|warehouse>" in json.dumps(listing.body) and not listing.problems
    refused = t.sb.slash("/orders", "route default <#C0ORDERS|orders>", user=PROCESSOR,
                         channel=CHANNEL)
    assert "your role is processor" in json.dumps(refused.body)
    wrong = t.sb.slash("/orders", "route nonsense <#C0ORDERS|orders>", user=ADMIN,
                       channel=CHANNEL)
    assert "not something we route" in json.dumps(wrong.body)
