"""Email customer through the sandbox: not set up, the template picker, a customer with no
email, header injection refused in the modal, an order too long for the message box."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bench.app_stack import CHANNEL, PROCESSOR
from jobs.mail import join_senders
from messages.actions import MailActions
from store.models import Customer, CustomerContact, OutgoingMail, Product
from tests.support.clock import days_ago
from tests.support.desk import add_order
from tests.support.smtp import mail_text


def _card(stack, ref="SO-1042"):
    before = len(stack.sb.ephemerals(user=PROCESSOR))
    stack.sb.slash("/order", ref, user=PROCESSOR, channel=CHANNEL)
    stack.sb.wait_for(lambda: len(stack.sb.ephemerals(user=PROCESSOR)) > before)
    return stack.sb.ephemerals(user=PROCESSOR)[-1]


def _open_modal(stack, ref="SO-1042"):
    stack.sb.click(MailActions.ORDER, user=PROCESSOR, message=_card(stack, ref))
    stack.sb.wait_for(lambda: stack.sb.views(user=PROCESSOR))
    return stack.sb.views(user=PROCESSOR)[-1]


def _mails(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(OutgoingMail))


def test_without_smtp_the_button_says_how_to_set_it_up(stack, desk):
    stack.sb.click(MailActions.ORDER, user=PROCESSOR, message=_card(stack))
    stack.sb.wait_for(lambda: "ORDERDESK_SMTP_URL" in json.dumps(
        [m.blocks for m in stack.sb.ephemerals(user=PROCESSOR)]))
    assert stack.sb.views(user=PROCESSOR) == [] and _mails(stack.db) == 0


def test_picking_another_template_refills_subject_and_body(mail_stack):
    view = _open_modal(mail_stack)
    assert "price" in json.dumps(view.blocks).lower()
    mail_stack.sb.click(MailActions.TEMPLATE, user=PROCESSOR, view=view,
                        selected_option="delay_notice")
    mail_stack.sb.wait_for(lambda: "is delayed" in json.dumps(
        mail_stack.sb.views(user=PROCESSOR)[-1].blocks))
    updated = mail_stack.sb.views(user=PROCESSOR)[-1]
    delivery = mail_stack.sb.submit(updated, {}, user=PROCESSOR)
    assert delivery.status == 200 and not delivery.problems
    with mail_stack.db.read() as s:
        assert s.scalar(select(OutgoingMail.template)) == "delay_notice"
        assert "is delayed" in s.scalar(select(OutgoingMail.subject))


def test_a_customer_with_no_email_is_asked_for_one(mail_stack):
    with mail_stack.db.write() as s:
        acme = s.scalar(select(Customer).where(Customer.code == "ACME"))
        acme.email = None
        for contact in s.scalars(select(CustomerContact)):
            contact.email = None
    view = _open_modal(mail_stack)
    assert "No email on file" in json.dumps(view.blocks)
    refused = mail_stack.sb.submit(view, {"to": "not an address"}, user=PROCESSOR)
    assert refused.body["response_action"] == "errors" and "to" in refused.body["errors"]
    mail_stack.sb.submit(view, {"to": "buyer@acme.example"}, user=PROCESSOR)
    with mail_stack.db.read() as s:
        assert s.scalar(select(Customer.email).where(Customer.code == "ACME")) == \
            "buyer@acme.example"
        assert s.scalar(select(OutgoingMail.to_address)) == "buyer@acme.example"


def test_a_line_break_in_the_to_field_is_refused_in_the_modal(mail_stack):
    view = _open_modal(mail_stack)
    refused = mail_stack.sb.submit(view, {"to": "a@b.example\nBcc: x@evil.example"},
                                   user=PROCESSOR)
    assert refused.body["response_action"] == "errors"
    assert "Line breaks" in refused.body["errors"]["to"]
    assert _mails(mail_stack.db) == 0


def _long_order(stack, ref="SO-2000", lines=60):
    with stack.db.write() as s:
        acme = s.scalar(select(Customer.id).where(Customer.code == "ACME"))
        widget = s.scalar(select(Product.id).where(Product.sku == "WID-1042-BL"))
        add_order(s, ref, acme, days_ago(1), po="PO-BIG",
                  lines=[("WID-1042-BL", widget, n + 1, 1250) for n in range(lines)])


def test_a_long_order_reaches_the_customer_whole(mail_stack, smtp_server):
    """60 lines don't fit Slack's 3,000-character message box. The box was filled with the
    first 3,000 characters, so the customer got a mail ending mid-line ('53. WID-1042-B'),
    without the rest or the total. The box now stands the lines in, and they go out whole."""
    _long_order(mail_stack)
    view = _open_modal(mail_stack, "SO-2000")
    shown = json.dumps(view.blocks, ensure_ascii=False)
    assert "don't fit in this box" in shown and "⟦SO-2000: its 60 lines and total" in shown
    mail_stack.sb.submit(view, {}, user=PROCESSOR)  # sent as prefilled
    join_senders()
    (received,) = smtp_server.received
    body = mail_text(received.message)
    assert "⟦" not in body
    assert "  1. WID-1042-BL" in body and "  60. WID-1042-BL" in body and "Total:" in body
    assert body.rstrip().endswith("Reply to this email to confirm, or tell us what you expected.")


def test_a_long_orders_stand_in_taken_out_sends_the_message_as_written(mail_stack, smtp_server):
    _long_order(mail_stack)
    view = _open_modal(mail_stack, "SO-2000")
    mail_stack.sb.submit(view, {"body.price_confirmation.body": "Hello, short note."},
                         user=PROCESSOR)
    join_senders()
    (received,) = smtp_server.received
    assert mail_text(received.message).strip() == "Hello, short note."
