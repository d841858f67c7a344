"""One visibility policy on every surface (issue 16, part 3): with ORDERDESK_REP_VISIBILITY=status
a sales rep on another rep's account sees status only, on every surface, through the sandbox;
on their own account, and for the desk, everything."""

import json

import pytest

from bench.app_stack import CHANNEL, PROCESSOR, SALES
from messages.actions import OrderActions
from store.enums import DiscrepancyType, Severity
from store.models import Customer, Discrepancy, Order, PostedCard
from tests.support.clock import days_ago
from tests.support.desk import add_order
from tests.support.slash import slash_answer

OTHER_REP = "U0SALES2"
# What status-only never shows: prices, address, notes, tracking, credit, problem titles.
SECRETS = ("$", "1 Main St", "1Z999AA10123456784", "contract says", "orders@acme.example",
           "Springfield", "Note for the desk")


@pytest.fixture
def others(stack, desk):
    """ACME and BETA belong to another rep; ACME's order has a note and a price problem."""
    with stack.db.write() as s:
        for code in ("ACME", "BETA"):
            s.get(Customer, desk[code]).sales_rep_id = OTHER_REP
        order = s.query(Order).filter_by(ref="SO-1042").one()
        order.notes = "Note for the desk"
        s.add(Discrepancy(order_id=order.id, type=DiscrepancyType.PRICE_MISMATCH,
                          severity=Severity.HIGH, fingerprint="price:v",
                          title="Line 1 at $45.00, contract says $42.00",
                          opened_at=days_ago(1)))
    return desk


def ask(stack, command, text, user=SALES):
    return slash_answer(stack, command, text, user)


def shown(message) -> str:
    """Everything a message carries except its block ids: the sandbox gives a block without one
    a random id, as Slack does, and "XN42A" is not a figure the reader was shown."""
    blocks = [{k: v for k, v in b.items() if k != "block_id"} for b in message.blocks]
    return json.dumps(blocks) + message.text


def assert_status_only(text: str) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, (leaked, text[:800])


@pytest.mark.parametrize("query", ["SO-1042", "PO-7781", "1Z999AA10123456784"])
def test_order_by_ref_po_or_tracking_shows_status_only(stack, others, query):
    text = shown(ask(stack, "/order", query))
    assert "SO-10" in text and "Status only" in text
    assert_status_only(text)


def test_the_desk_and_the_accounts_own_rep_see_everything(stack, others):
    assert "1 Main St" in shown(ask(stack, "/order", "SO-1042", user=PROCESSOR))
    assert "1 Main St" in shown(ask(stack, "/order", "SO-1042", user=OTHER_REP))


def test_candidates_and_their_open_button_show_status_only(stack, others):
    message = ask(stack, "/order", "acme corportaion")
    assert "SO-1042" in shown(message)
    assert_status_only(shown(message))
    stack.sb.click(f"{OrderActions.OPEN}:1", user=SALES, message=message)
    stack.sb.wait_for(lambda: message.blocks[0]["type"] == "header")
    assert "Status only" in shown(message)
    assert_status_only(shown(message))


def test_the_next_page_of_candidates_shows_status_only_too(stack, others):
    """Next ran the search again without asking the policy: page 2 showed the totals and PO
    numbers page 1 had hidden."""
    with stack.db.write() as s:
        for n in range(6):
            add_order(s, f"SO-30{n:02d}", others["ACME"], days_ago(20 + n), po=f"PO-88{n:02d}",
                      lines=[])
    message = ask(stack, "/order", "acme corportaion")
    assert_status_only(shown(message))
    stack.sb.click(OrderActions.PAGE, user=SALES, message=message)
    stack.sb.wait_for(lambda: "(showing 6" in shown(message))
    assert "SO-30" in shown(message)
    assert_status_only(shown(message))
    assert "PO-88" not in shown(message)


def test_share_posts_the_status_card_and_keeps_it_so_after_an_edit(stack, others):
    card = ask(stack, "/order", "SO-1042")
    stack.sb.click(OrderActions.SHARE, user=SALES, message=card)
    stack.sb.wait_for(lambda: stack.sb.messages(CHANNEL))
    posted = stack.sb.messages(CHANNEL)[-1]
    assert_status_only(shown(posted))
    with stack.db.read() as s:
        assert [c.sight for c in s.query(PostedCard)] == ["status"]
    # The desk edits the order: the shared card is redrawn in place, still status only.
    stack.sb.slash("/order", "edit SO-1042", user=PROCESSOR, channel=CHANNEL)
    stack.sb.wait_for(lambda: stack.sb.views(user=PROCESSOR))
    editor = stack.sb.views(user=PROCESSOR)[-1]
    stack.sb.submit(editor, {"ship_to.city": "Shelbyville"}, user=PROCESSOR)
    stack.sb.wait_for(lambda: posted.edited)
    assert_status_only(shown(posted))
    assert "Shelbyville" not in shown(posted)


def test_all_lines_and_history_are_refused_to_a_status_viewer(stack, others):
    text = shown(ask(stack, "/order", "history SO-1042"))
    assert "account's rep and the order desk" in text and "Shelbyville" not in text


def test_customer_shows_no_credit_contacts_or_totals(stack, others):
    text = shown(ask(stack, "/customer", "acme"))
    assert "Acme Corporation" in text and "Status only" in text
    assert_status_only(text)


def test_the_queue_names_other_accounts_problems_by_kind_only(stack, others):
    text = shown(ask(stack, "/orders", "queue"))
    assert "SO-1042" in text and "Price mismatch" in text
    assert_status_only(text)
    assert "contract says" in shown(ask(stack, "/orders", "queue", user=PROCESSOR))


def test_the_queue_offers_its_buttons_to_those_who_may_work_items(stack, others):
    """A rep's queue came with Assign, Resolve, Escalate and Snooze on every item, each of
    which only answered "You can't"; and a cut item read its kind twice, then "Expected —"."""
    rep = ask(stack, "/orders", "queue")
    assert not [b for b in rep.blocks if b["type"] == "actions"]
    item = rep.blocks[1]["text"]["text"]
    assert item.count("Price mismatch") == 1 and "Expected" not in item, item
    assert "Processors and managers act on these items" in shown(rep)
    desk = ask(stack, "/orders", "queue", user=PROCESSOR)
    assert [b for b in desk.blocks if b["type"] == "actions"]
    assert "Expected" in shown(desk) and "act on these items" not in shown(desk)


def test_a_spanish_reps_queue_hides_other_accounts_figures_too(stack, others):
    """The Spanish wording is rebuilt from the item's kept figures: the queue cut the English
    title and figures but kept those, so a rep whose Slack is in Spanish read the prices."""
    stack.sb.add_user("U0LUCIA", "lucia", locale="es-ES", channels=[CHANNEL])
    with stack.db.write() as s:
        item = s.query(Discrepancy).one()
        item.evidence = {"expected": "$42.00 (contract says)", "found": "$45.00",
                         "words": {"kind": "price_over", "line_no": 1, "sku": "WID-1",
                                   "currency": "USD", "price_minor": 4500,
                                   "expected_minor": 4200, "source": "customer"}}
    desk_view = shown(ask(stack, "/orders", "queue", user=PROCESSOR))
    assert "45" in desk_view and "42" in desk_view
    text = shown(ask(stack, "/orders", "queue", user="U0LUCIA"))
    assert "SO-1042" in text
    assert "45" not in text.replace("SO-1042", "") and "42" not in text.replace("SO-1042", "")
    assert "WID-1" not in text
