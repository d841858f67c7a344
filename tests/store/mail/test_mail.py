"""store.mail: drafts from the order, validation, the sending rows, replies and bounces."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from messages.mail import render_mail
from store import outbox
from store.enums import DiscrepancyType, MailStatus
from store.errors import ValidationFailed
from store.mail import (
    HeaderInjection,
    claim_mails,
    draft_for,
    mark_mail_failed,
    mark_mail_sent,
    receive_mail,
    send_mail,
)
from store.models import Customer, Discrepancy, Event, Order, OrderLine, OutgoingMail, PostedCard
from store.orders import order_history
from store.views.mail import InboundMessage
from store.workspace import set_route
from tests.support.desk import build

SENDER = "orders@desk.example"


@pytest.fixture
def desk(db):
    return build(db)


def _send(db, **over):
    draft = draft_for(db, ref=over.pop("ref", "SO-1042"))
    subject, body = render_mail(draft.template, draft)
    args = dict(actor="U0ALICE", sender=SENDER, order_id=draft.order.id,
                template=draft.template, to=draft.to_address, subject=subject, body=body)
    return send_mail(db, **(args | over))


def test_a_draft_is_prefilled_from_the_order_and_shows_nothing_internal(db, desk):
    with db.write() as s:
        line = s.scalar(select(OrderLine).where(OrderLine.sku == "WID-1042-BL"))
        line.order.notes = "internal: margin is thin, customer is slow to pay"
    draft = draft_for(db, ref="SO-1042")
    assert draft.to_address == "orders@acme.example"
    subject, body = render_mail("price_confirmation", draft)
    assert "SO-1042" in subject and "PO-7781" in subject
    assert "WID-1042-BL" in body and "$12.50" in body and "Acme Corporation" in body
    assert "margin" not in body and "Beta" not in body


def test_every_template_renders_for_a_shipped_order_with_its_tracking_link(db, desk):
    draft = draft_for(db, ref="SO-1044")
    assert draft.template == "shipped"
    for template in ("price_confirmation", "stock_shortfall", "address_check", "payment_failed",
                     "delay_notice", "shipped", "return_refund"):
        subject, body = render_mail(template, draft)
        assert "SO-1044" in subject and "\n" not in subject
    _, body = render_mail("shipped", draft)
    assert "1Z999AA10123456784" in body and "https://" in body


def test_a_mails_days_are_the_desks_and_plain_text(db, desk):
    """Placed at 20:00 UTC is the next morning in Tokyo: a Tokyo desk's mail says that day,
    as plain text (a Slack date token would reach the customer as markup)."""
    with db.write() as s:
        order = s.scalar(select(Order).where(Order.ref == "SO-1044"))
        order.ordered_at = order.ordered_at.replace(hour=20, minute=0)
        placed = order.ordered_at
    draft = draft_for(db, ref="SO-1044")
    tokyo = placed + timedelta(hours=9)
    utc_day, tokyo_day = f"{placed:%b} {placed.day}, ", f"{tokyo:%b} {tokyo.day}, "
    _, in_utc = render_mail("shipped", draft)
    _, in_tokyo = render_mail("shipped", draft, timezone="Asia/Tokyo")
    assert f"placed {utc_day}" in in_utc and f"placed {tokyo_day}" in in_tokyo
    assert "<!date" not in in_tokyo


def test_sending_queues_the_mail_with_its_event_in_one_go(db, desk):
    mail = _send(db)
    assert mail.status == "pending" and mail.message_id.endswith("@desk.example>")
    with db.read() as s:
        event = s.scalar(select(Event).where(Event.kind == "mail.sent"))
        assert event.actor_id == "U0ALICE" and "orders@acme.example" in event.summary
    history = order_history(db, ref="SO-1042")
    assert history.events[0].summary.startswith("emailed orders@acme.example: ")


@pytest.mark.parametrize("cards, thread", [
    ([("C0DESK", "1.1", "full"), ("C0REPS", "2.2", "status")], ("C0DESK", "1.1")),
    ([("C0SHARED", "3.3", "customer")], None),
])
def test_the_note_of_a_mail_goes_under_a_card_shared_in_full_only(db, desk, cards, thread):
    """It names the address and, for a reply, quotes the customer: not for the readers of a
    status-only or customer-safe card, though it be the newest."""
    with db.write() as s:
        order_id = s.scalar(select(Order.id).where(Order.ref == "SO-1042"))
        s.add_all([PostedCard(order_id=order_id, channel_id=channel, message_ts=ts, sight=seen)
                   for channel, ts, seen in cards])
    _send(db)
    notes = [i.payload for i in outbox.claim_due(db) if i.payload.get("what") == "sent"]
    assert [(p.get("channel"), p.get("thread_ts")) for p in notes] == ([thread] if thread else [])


@pytest.mark.parametrize("field, value", [("to", "a@b.example\r\nBcc: x@evil.example"),
                                          ("subject", "Hello\nBcc: x@evil.example")])
def test_header_injection_is_refused_and_nothing_is_queued(db, desk, field, value):
    with pytest.raises(HeaderInjection) as refused:
        _send(db, **{field: value})
    assert field in refused.value.errors
    with db.read() as s:
        assert s.scalar(select(OutgoingMail.id)) is None


def test_a_bad_address_is_refused_naming_it(db, desk):
    with pytest.raises(ValidationFailed) as refused:
        _send(db, to="not-an-address")
    assert "not-an-address" in refused.value.errors["to"]


def test_a_typed_address_becomes_the_contact_email_of_a_customer_without_one(db, desk):
    with db.write() as s:
        s.get(Customer, desk["ACME"]).email = None
        for contact in s.get(Customer, desk["ACME"]).contacts:
            contact.email = None
    assert draft_for(db, ref="SO-1042").to_address is None
    _send(db, to="buyer@acme.example")
    assert draft_for(db, ref="SO-1042").to_address == "buyer@acme.example"


def test_claimed_once_sent_once_and_dead_after_permanent_refusals(db, desk):
    first, second = _send(db), _send(db)
    claimed = claim_mails(db)
    assert [c.id for c in claimed] == [first.id, second.id]
    assert claimed[1].in_reply_to == first.message_id
    assert claim_mails(db) == []  # leased
    mark_mail_sent(db, mail_id=first.id)
    for _ in range(3):
        mark_mail_failed(db, mail_id=second.id, error="550 no such user", permanent=True)
        with db.write() as s:  # due again now, as the backoff would make it later
            row = s.get(OutgoingMail, second.id)
            if row.status == MailStatus.PENDING:
                row.next_attempt_at = row.created_at
        claim_mails(db)
    with db.read() as s:
        assert s.get(OutgoingMail, first.id).status == MailStatus.SENT
        assert s.get(OutgoingMail, second.id).status == MailStatus.DEAD


def _inbound(**over) -> InboundMessage:
    values = dict(from_address="buyer@acme.example", to=SENDER, subject="Re: prices",
                  text="Yes, fine.\n\nOn Mon, 1 Dec 2026, Orders <orders@desk.example> wrote:\n"
                       "> Please confirm", headers={})
    return InboundMessage(**(values | over))


def test_replies_match_by_in_reply_to_then_token_then_subject(db, desk):
    mail = _send(db)
    token = mail.reply_to
    by_header = receive_mail(db, _inbound(headers={"in-reply-to": mail.message_id}))
    by_token = receive_mail(db, _inbound(to=f"orders+{token}@desk.example"))
    # SO-1043 is Beta's: believed from Beta's company, not from anyone who names it.
    by_subject = receive_mail(db, _inbound(subject="Re: your order SO-1043",
                                           from_address="ap@beta.example"))
    stranger = receive_mail(db, _inbound(subject="Re: your order SO-1043"))
    nothing = receive_mail(db, _inbound(subject="hello"))
    assert (by_header.matched_by, by_header.order_ref) == ("in-reply-to", "SO-1042")
    assert (by_token.matched_by, by_token.order_ref) == ("token", "SO-1042")
    assert (by_subject.matched_by, by_subject.order_ref) == ("subject", "SO-1043")
    assert (stranger.matched_by, stranger.order_ref) == (None, None)
    assert (nothing.matched_by, nothing.order_ref) == (None, None)


def test_an_unmatched_mail_goes_to_the_inbound_mail_route(db, desk):
    set_route(db, actor="U0ADMIN", key="inbound_mail", channel_id="C0MAIL")
    receive_mail(db, _inbound(subject="hello"))
    items = outbox.claim_due(db)
    assert [i.payload["channel"] for i in items] == ["C0MAIL"]


def test_a_bounce_marks_the_address_bad_and_opens_bad_contact(db, desk):
    mail = _send(db)
    result = receive_mail(db, _inbound(
        from_address="MAILER-DAEMON@mx.example", to=f"orders+{mail.reply_to}@desk.example",
        subject="Undelivered Mail Returned to Sender",
        text="Final-Recipient: rfc822; orders@acme.example\nStatus: 5.1.1",
        headers={"content-type": "multipart/report; report-type=delivery-status"}))
    assert result.bounce and len(result.discrepancies) == 1
    with db.read() as s:
        assert s.get(Customer, desk["ACME"]).bad_email
        d = s.get(Discrepancy, result.discrepancies[0])
        assert d.type == DiscrepancyType.BAD_CONTACT
    assert draft_for(db, ref="SO-1042").bad_email


def test_an_edit_of_the_order_does_not_resolve_bad_contact(db, desk):
    from store.enums import DiscrepancyStatus
    from store.orders import OrderEdit, edit_order, get_order

    mail = _send(db)
    result = receive_mail(db, _inbound(
        from_address="mailer-daemon@mx.example", to=f"orders+{mail.reply_to}@desk.example",
        subject="Undelivered Mail Returned to Sender", text="Status: 5.1.1"))
    order = get_order(db, ref="SO-1042")
    edit_order(db, ref="SO-1042", actor="U0ALICE", expected_version=order.version,
               changes=OrderEdit(shipping_instructions="call them instead"))
    with db.read() as s:
        assert s.get(Discrepancy, result.discrepancies[0]).status != DiscrepancyStatus.RESOLVED


def test_without_an_inbound_mail_route_unmatched_mail_goes_to_the_default_one(db, desk):
    set_route(db, actor="U0ADMIN", key="default", channel_id="C0TRIAGE")
    receive_mail(db, _inbound(subject="hello"))
    assert [i.payload["channel"] for i in outbox.claim_due(db)] == ["C0TRIAGE"]
