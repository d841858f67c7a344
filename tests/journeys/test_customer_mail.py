"""Talking to the customer (issue 20): a price problem -> the processor emails the customer
from the triage item -> the customer replies -> the reply shows in the item's thread -> the
fix is applied -> the order ships and the customer (opted in) gets the shipped notice with its
tracking link. A bounce opens bad_contact. A service's retry and an out-of-office answer don't
reach the thread as answers. Mail goes through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json

from sqlalchemy import select

from bench.app_stack import ADMIN
from jobs.mail import deliver_mail, join_senders, queue_notices
from messages.actions import MailActions, TriageActions
from store.enums import DiscrepancyType, MailStatus
from store.models import Customer, Discrepancy, OutgoingMail
from tests.support.journeys import PROCESSOR, buttons, text_of
from tests.support.smtp import mail_text, post_mail

REF, PO = "HX-2001", "4500012345"


def _thread_texts(j, parent) -> list[str]:
    return [m.text for m in j.thread(parent)]


def _price_mail_modal(j):
    """HX-2001 imported at $80.00 (the catalog's $133.95): its triage item, and the Email
    customer modal opened from it."""
    j.import_orders({"order_ref": REF, "customer_code": "GLOBEX", "po_number": PO,
                     "sku": "7731-0042", "quantity": "4", "unit_price": "80.00"})
    parent = j.triage_parent(REF)
    before = len(j.sb.views(user=PROCESSOR))
    j.click_button(MailActions.ITEM, parent)
    j.wait_for(lambda: len(j.sb.views(user=PROCESSOR)) > before, message="the mail modal")
    return parent, j.sb.views(user=PROCESSOR)[-1]


def test_price_problem_mail_reply_fix_and_shipped_notice(mail_journey, smtp_server):
    j = mail_journey
    # Email customer: the price confirmation, prefilled and addressed; sent as it stands.
    parent, modal = _price_mail_modal(j)
    shown = text_of(modal)
    assert "buying@globex.example" in shown and "Price confirmation" in shown
    assert "$80.00" in shown and "$133.95" in shown and PO in shown
    j.submit(modal, {})
    j.said(PROCESSOR, "Email to buying@globex.example queued")
    join_senders()  # the web process's sender, kicked by Send
    assert len(smtp_server.received) == 1
    sent = smtp_server.received[0].message
    assert REF in sent["Subject"] and sent["To"] == "buying@globex.example"
    j.wait_for(lambda: any("emailed buying@globex.example" in t
                           for t in _thread_texts(j, parent)), message="the thread hears it")

    # The customer replies (the service posts it); the new part lands in the thread.
    status, answer = post_mail(j.sb.app_url, {
        "from": "Buyer <buying@globex.example>", "to": sent["Reply-To"],
        "subject": f"Re: {sent['Subject']}",
        "text": "We agreed $80.00 with Sam, please keep it.\n\nOn Mon, 7 Dec 2026, Orders "
                "<orders@desk.example> wrote:\n> Please confirm the prices",
        "headers": f"In-Reply-To: {sent['Message-ID']}\r\nReferences: {sent['Message-ID']}\r\n"},
        files=("po.pdf",))
    assert status == 200 and answer["order_ref"] == REF and answer["matched_by"] == "in-reply-to"
    j.wait_for(lambda: any("replied" in t for t in _thread_texts(j, parent)),
               message="the reply in the thread")
    reply = [m for m in j.thread(parent) if "replied" in m.text][-1]
    assert "We agreed $80.00" in text_of(reply) and "wrote:" not in text_of(reply)
    assert "buying@globex.example replied" in reply.text

    # The processor applies the fix (the catalog price) and the order goes out.
    j.click_button(TriageActions.FIX, parent)
    j.wait_for(lambda: TriageActions.FIX not in buttons(parent))
    with j.db.write() as s:  # the customer asked for shipped notices (/customer edit)
        s.scalar(select(Customer).where(Customer.code == "GLOBEX")).notice_shipped = True
    j.slash(f"release {REF}")
    j.pick_pack_ship(REF)

    assert queue_notices(j.db, smtp_server.settings) == 1  # the clock's mail.notices
    assert deliver_mail(j.db, smtp_server.settings) == 1  # the clock's mail.deliver
    notice = smtp_server.received[-1].message
    body = mail_text(notice)
    assert "has shipped" in notice["Subject"] and "1Z999AA10123456784" in body
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in body
    price = j.line_prices(REF)[0]
    assert f"x 4 at ${price // 100}.{price % 100:02d}" in body  # the order as it is now
    assert notice["In-Reply-To"] == sent["Message-ID"]  # one conversation in their mailbox
    assert queue_notices(j.db, smtp_server.settings) == 0


def test_a_refusing_server_loses_nothing_and_a_bounce_opens_bad_contact(mail_journey,
                                                                        smtp_server):
    j = mail_journey
    j.import_orders({"order_ref": REF, "customer_code": "GLOBEX", "po_number": PO,
                     "sku": "7731-0042", "quantity": "4", "unit_price": "80.00"})
    parent = j.triage_parent(REF)
    smtp_server.refuse(["451 4.3.0 greylisted, try again"] * 2)
    for _ in range(2):
        before = len(j.sb.views(user=PROCESSOR))
        j.click_button(MailActions.ITEM, parent)
        j.wait_for(lambda b=before: len(j.sb.views(user=PROCESSOR)) > b)
        j.submit(j.sb.views(user=PROCESSOR)[-1], {})
    _sweep_until_settled(j, smtp_server)
    assert _statuses(j) == ["sent", "sent"] and len(smtp_server.received) == 2
    first = smtp_server.received[0].message

    status, answer = post_mail(j.sb.app_url, {
        "from": "MAILER-DAEMON@mx.globex.example", "to": first["Reply-To"],
        "subject": "Undelivered Mail Returned to Sender",
        "text": "Final-Recipient: rfc822; buying@globex.example\nStatus: 5.1.1",
        "headers": "Content-Type: multipart/report; report-type=delivery-status\r\n"})
    assert status == 200 and answer["bounce"] and answer["discrepancies"]
    j.triage_parent(REF, "bounced")
    with j.db.read() as s:
        assert s.scalar(select(Customer.bad_email).where(Customer.code == "GLOBEX"))
        assert s.scalar(select(Discrepancy.type).where(
            Discrepancy.id == answer["discrepancies"][0])) == DiscrepancyType.BAD_CONTACT
        words = s.scalar(select(Discrepancy.evidence).where(
            Discrepancy.id == answer["discrepancies"][0]))["words"]
        # #21: the figures messages/ words it from in Spanish, beside the English
        assert words == {"kind": "bounced_mail", "ref": REF, "address": "buying@globex.example",
                         "subject": "Undelivered Mail Returned to Sender"}


def text_of_answer(delivery) -> str:
    return json.dumps(delivery.body, ensure_ascii=False)


def _statuses(j) -> list[str]:
    with j.db.read() as s:
        return [r.value for r in s.scalars(select(OutgoingMail.status).order_by(OutgoingMail.id))]


def _sweep_until_settled(j, smtp_server, rounds: int = 10) -> None:
    """The web process's sender finished, then the clock's sweeps, each once the backoff has
    passed (made due now), until no mail is pending."""
    join_senders()
    for _ in range(rounds):
        if "pending" not in _statuses(j):
            return
        with j.db.write() as s:
            for row in s.scalars(select(OutgoingMail).where(
                    OutgoingMail.status == MailStatus.PENDING)):
                row.next_attempt_at = row.created_at
        deliver_mail(j.db, smtp_server.settings)


def test_a_mail_the_server_refuses_for_good_is_said_in_the_thread(mail_journey, smtp_server):
    j = mail_journey
    j.import_orders({"order_ref": REF, "customer_code": "GLOBEX", "po_number": PO,
                     "sku": "7731-0042", "quantity": "4", "unit_price": "80.00"})
    parent = j.triage_parent(REF)
    smtp_server.refuse(["550 5.1.1 mailbox unavailable"] * 3)
    before = len(j.sb.views(user=PROCESSOR))
    j.click_button(MailActions.ITEM, parent)
    j.wait_for(lambda: len(j.sb.views(user=PROCESSOR)) > before)
    j.submit(j.sb.views(user=PROCESSOR)[-1], {})
    _sweep_until_settled(j, smtp_server)
    assert _statuses(j) == ["dead"]
    j.deliver()
    j.wait_for(lambda: any("could not be delivered" in t for t in _thread_texts(j, parent)),
               message="the thread is told")
    assert smtp_server.received == []

    # The admin sees it in /orders mail and, the server's fault fixed, sends it again.
    listed = j.slash("mail", user=ADMIN, command="/orders")
    assert "1 customer mail not delivered" in text_of_answer(listed)
    assert "mailbox unavailable" in text_of_answer(listed)  # the server's reason
    j.slash("mail retry all", user=ADMIN, command="/orders")
    _sweep_until_settled(j, smtp_server)
    assert _statuses(j) == ["sent"] and len(smtp_server.received) == 1


def test_thread_shows_one_reply_per_mail_and_no_auto_replies(mail_journey, smtp_server):
    """The customer's answer shows once in the item's thread, though the mail service posted it
    twice (its retry), and an out-of-office auto-reply not at all: it was posted as "replied",
    and the retry posted the answer a second time."""
    j = mail_journey
    parent, modal = _price_mail_modal(j)
    j.submit(modal, {})
    join_senders()
    sent = smtp_server.received[0].message
    auto = {"from": "Buyer <buying@globex.example>", "to": sent["Reply-To"],
            "subject": f"Automatic reply: {sent['Subject']}",
            "text": "I am out of the office until 4 January.",
            "headers": f"In-Reply-To: {sent['Message-ID']}\r\nAuto-Submitted: auto-replied\r\n"
                       "X-Auto-Response-Suppress: All\r\nMessage-ID: <ooo-1@globex.example>\r\n"}
    assert post_mail(j.sb.app_url, auto)[0] == 200
    reply = {"from": "Buyer <buying@globex.example>", "to": sent["Reply-To"],
             "subject": f"Re: {sent['Subject']}", "text": "Keep $80.00 please.",
             "headers": f"In-Reply-To: {sent['Message-ID']}\r\n"
                        "Message-ID: <CAF-reply-1@mail.gmail.com>\r\n"}
    assert post_mail(j.sb.app_url, reply)[0] == 200
    assert post_mail(j.sb.app_url, reply)[0] == 200  # the service's retry of the same POST
    j.deliver()
    j.wait_for(lambda: any("replied" in m.text for m in j.thread(parent)))
    j.deliver()  # anything still queued would be posted now
    replies = [m.text for m in j.thread(parent) if "replied" in m.text]
    assert len(replies) == 1 and "Keep $80.00" in str(j.thread(parent)[-1].blocks), replies
