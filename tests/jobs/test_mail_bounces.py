"""Bounces as real mail servers send them: a delay warning is not a failure, a bounced
contact address stops the notices sent to it, and a customer who writes "Undelivered" in a
subject is complaining, not bouncing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from store.mail import draft_for, due_notices, queue_notice, receive_mail
from store.models import Customer, Discrepancy, Order, OutgoingMail
from store.views.mail import InboundMessage
from tests.support.clock import days_ago
from tests.support.desk import build
from tests.support.smtp import send_prefilled


@pytest.fixture
def desk(db):
    return build(db)


def _bad(db, code="ACME"):
    with db.read() as s:
        return s.scalar(select(Customer.bad_email).where(Customer.code == code))


POSTFIX_DELAYED = """This is the mail system at host mx1.desk.example.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than 4 hour(s).
It will be retried until it is 5 day(s) old.

<orders@acme.example>: host mx.acme.example[203.0.113.7] said: 452 4.2.2
    Mailbox full (in reply to RCPT TO command)

Reporting-MTA: dns; mx1.desk.example
Final-Recipient: rfc822; orders@acme.example
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 Mailbox full
Will-Retry-Until: Sat, 12 Dec 2026 10:00:00 +0000
"""

GMAIL_DELAY = """** Message not delivered yet **

Your message to orders@acme.example has not been delivered yet. Gmail will retry for 46 more
hours. You'll be notified if delivery fails permanently.

The response from the remote server was:
452 4.2.2 The email account that you tried to reach is over quota.
"""


@pytest.mark.parametrize("sender, subject, text", [
    ("MAILER-DAEMON@mx1.desk.example", "Delayed Mail (still being retried)", POSTFIX_DELAYED),
    ("mailer-daemon@googlemail.com", "Delivery Status Notification (Delay)", GMAIL_DELAY),
])
def test_a_delay_warning_does_not_mark_the_address_bad(db, desk, sender, subject, text):
    """A 4.x.x 'still being retried' warning is not a failure: the mail may still arrive."""
    sent = send_prefilled(db)
    result = receive_mail(db, InboundMessage(
        from_address=sender, to=f"orders+{sent.reply_to}@desk.example", subject=subject,
        text=text, headers={"content-type": "multipart/report; report-type=delivery-status"}))
    assert not _bad(db) and not result.discrepancies


def test_a_bounced_notice_to_a_contact_stops_the_notices(db, desk):
    """Beta has no email of its own, so its automatic notices go to its buyer contact (README:
    "the customer's email, else a contact's"). That address bounces (5.1.1): the bad_contact
    item opens, but nothing marks the address bad (only Customer.email is compared), so every
    later notice is written to the same dead address, and Email customer shows no warning."""
    with db.write() as s:
        s.execute(update(Customer).where(Customer.code == "BETA")
                  .values(email=None, notice_shipped=True, notice_delayed=True))
        s.execute(update(Order).where(Order.ref == "SO-1043")
                  .values(promised_date=days_ago(2)))
    (shipped,) = [n for n in due_notices(db) if n.key.startswith("auto:shipped")]
    assert queue_notice(db, shipped, sender="orders@desk.example", subject="SO-1044 has shipped",
                        body="Your order has shipped.")
    with db.read() as s:
        sent = s.scalar(select(OutgoingMail).where(OutgoingMail.dedupe_key == shipped.key))
        token, to = sent.token, sent.to_address
    assert to.lower() == "buyer@beta.example"
    result = receive_mail(db, InboundMessage(
        from_address="MAILER-DAEMON@mx1.desk.example", to=f"orders+{token}@desk.example",
        subject="Undelivered Mail Returned to Sender",
        text=f"Final-Recipient: rfc822; {to}\nAction: failed\nStatus: 5.1.1\n",
        headers={"content-type": "multipart/report; report-type=delivery-status"}))
    assert result.bounce and result.discrepancies  # the item opens on SO-1044 ...
    assert draft_for(db, ref="SO-1043").bad_email  # ... but the address is not known bad
    assert [n.draft.to_address for n in due_notices(db)] == []  # nor are notices stopped


def test_a_bounce_delivered_twice_opens_one_item(db, desk):
    sent = send_prefilled(db)
    dsn = InboundMessage(
        from_address="MAILER-DAEMON@mx1.desk.example", to=f"orders+{sent.reply_to}@desk.example",
        subject="Undelivered Mail Returned to Sender",
        text="Final-Recipient: rfc822; orders@acme.example\nAction: failed\nStatus: 5.1.1\n",
        headers={"content-type": "multipart/report; report-type=delivery-status"})
    receive_mail(db, dsn)
    receive_mail(db, dsn)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Discrepancy)) == 1
