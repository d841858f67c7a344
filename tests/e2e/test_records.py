"""/customer, /stock, /order history and /orders role through the sandbox."""

import json

from sqlalchemy import select

from bench.app_stack import ADMIN, CHANNEL, PROCESSOR, SALES
from messages.actions import CustomerActions, OrderActions
from store.models import Customer, Event, User


def answer(stack, command, text, user=PROCESSOR):
    delivery = stack.sb.slash(command, text, user=user, channel=CHANNEL)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    return stack.sb.ephemerals(user=user, channel=CHANNEL)[-1]


def test_customer_shows_contact_open_orders_and_credit(stack, desk):
    text = json.dumps(answer(stack, "/customer", "acme corp").blocks)
    assert "Acme Corporation (ACME)" in text
    assert "orders@acme.example" in text
    assert "SO-1042" in text and "used of $5,000.00" in text


def test_customer_edit_is_saved_and_logged_per_field(stack, desk):
    card = answer(stack, "/customer", "ACME")
    stack.sb.click(CustomerActions.EDIT, user=PROCESSOR, message=card)
    stack.sb.wait_for(lambda: stack.sb.views(user=PROCESSOR))
    view = stack.sb.views(user=PROCESSOR)[-1]
    delivery = stack.sb.submit(view, {"phone": "+1 555 0199", "address.city": "Ogdenville"},
                               user=PROCESSOR)
    assert delivery.status == 200 and not delivery.problems and not view.is_open
    with stack.db.read() as session:
        event = session.scalars(select(Event).where(Event.kind == "customer_edited")).one()
    fields = {c["field"]: (c["before"], c["after"]) for c in event.changes}
    assert ("+1 555 0100", "+1 555 0199") in fields.values()
    assert ("Springfield", "Ogdenville") in fields.values()
    assert event.actor_id == PROCESSOR


def test_a_sales_rep_cannot_open_the_customer_editor(stack, desk):
    card = answer(stack, "/customer", "ACME", user=SALES)
    stack.sb.click(CustomerActions.EDIT, user=SALES, message=card)
    stack.sb.wait_for(lambda: "your role is sales" in json.dumps(
        [m.blocks for m in stack.sb.ephemerals(user=SALES)]))
    assert stack.sb.views(user=SALES) == []


def test_stock_by_exact_sku_and_by_words(stack, desk):
    text = json.dumps(answer(stack, "/stock", "WID-1042-BL").blocks)
    assert "EAST" in text and "90 available" in text and "130 available" in text
    text = json.dumps(answer(stack, "/stock", "gizmo").blocks)
    assert "GIZ-2001-RD" in text


def test_history_lists_edits_newest_first(stack, desk):
    view_delivery = stack.sb.slash("/order", "edit SO-1042", user=PROCESSOR, channel=CHANNEL)
    assert view_delivery.status == 200
    stack.sb.wait_for(lambda: stack.sb.views(user=PROCESSOR))
    stack.sb.submit(stack.sb.views(user=PROCESSOR)[-1], {"ship_to.city": "Shelbyville"},
                    user=PROCESSOR)
    text = json.dumps(answer(stack, "/order", "history SO-1042").blocks, ensure_ascii=False)
    assert "History of SO-1042" in text and "Springfield → Shelbyville" in text


def test_history_button_answers_the_one_who_pressed_it(stack, desk):
    with stack.db.write() as s:  # the rep's own account: its history is theirs to see
        s.get(Customer, desk["ACME"]).sales_rep_id = SALES
    card = answer(stack, "/order", "SO-1042", user=SALES)
    stack.sb.click(OrderActions.HISTORY, user=SALES, message=card)
    stack.sb.wait_for(lambda: "History of SO-1042" in json.dumps(
        [m.blocks for m in stack.sb.ephemerals(user=SALES)]))


def test_admins_set_roles_and_others_cannot(stack, desk):
    text = json.dumps(answer(stack, "/orders", "role <@U0SALES2|sofia> processor",
                             user=ADMIN).blocks)
    assert "is now *processor*" in text
    with stack.db.read() as session:
        assert session.get(User, "U0SALES2").role == "processor"

    refused = json.dumps(answer(stack, "/orders", "role <@U0SALES1> admin", user=PROCESSOR).blocks)
    assert "your role is processor" in refused
    bad = json.dumps(answer(stack, "/orders", "role <@U0SALES1> boss", user=ADMIN).blocks)
    assert "is not a role" in bad and "processor" in bad


def test_automatic_customer_emails_and_their_language_are_set_in_the_customer_editor(stack, desk):
    card = answer(stack, "/customer", "ACME")
    stack.sb.click(CustomerActions.EDIT, user=PROCESSOR, message=card)
    stack.sb.wait_for(lambda: stack.sb.views(user=PROCESSOR))
    view = stack.sb.views(user=PROCESSOR)[-1]
    assert "Automatic emails to the customer" in json.dumps(view.blocks)
    assert "Workspace default" in json.dumps(answer(stack, "/customer", "ACME").blocks)
    delivery = stack.sb.submit(view, {"notices": ["shipped", "backordered"], "language": "es"},
                               user=PROCESSOR)
    assert delivery.status == 200 and not delivery.problems and not view.is_open
    with stack.db.read() as session:
        customer = session.get(Customer, desk["ACME"])
        assert (customer.notice_shipped, customer.notice_delayed,
                customer.notice_backordered) == (True, False, True)
        assert customer.language == "es"
    assert "*Email language*\\nSpanish" in json.dumps(answer(stack, "/customer", "ACME").blocks)
    stack.sb.click(CustomerActions.EDIT, user=PROCESSOR, message=card)
    stack.sb.wait_for(lambda: len(stack.sb.views(user=PROCESSOR)) == 1)
    reopened = stack.sb.views(user=PROCESSOR)[-1]
    assert '"initial_options"' in json.dumps(reopened.blocks)
    assert "Backordered" in json.dumps(reopened.blocks)
    assert stack.sb.submit(reopened, {"language": "default"}, user=PROCESSOR).status == 200
    with stack.db.read() as session:  # back to the workspace's language
        assert session.get(Customer, desk["ACME"]).language is None
