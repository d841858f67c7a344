"""Email customer through the sandbox: not set up, the template picker, a customer with no
email, header injection refused in the modal."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bench.app_stack import CHANNEL, PROCESSOR
from messages.actions import MailActions
from store.models import Customer, CustomerContact, OutgoingMail


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
