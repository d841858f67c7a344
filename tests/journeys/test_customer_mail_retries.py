"""Customer mail end to end: the triage thread shows a customer's answer once, though the mail
service posted it twice (its retry), and an out-of-office auto-reply not at all (it was posted
as "replied", and the retry posted the answer a second time)."""

from __future__ import annotations

from jobs.mail import join_senders
from messages.actions import MailActions
from tests.support.journeys import PROCESSOR
from tests.support.smtp import post_mail

REF, PO = "HX-2001", "4500012345"


def test_thread_shows_one_reply_per_mail_and_no_auto_replies(mail_journey, smtp_server):
    j = mail_journey
    j.import_orders({"order_ref": REF, "customer_code": "GLOBEX", "po_number": PO,
                     "sku": "7731-0042", "quantity": "4", "unit_price": "80.00"})
    parent = j.triage_parent(REF)
    before = len(j.sb.views(user=PROCESSOR))
    j.click_button(MailActions.ITEM, parent)
    j.wait_for(lambda: len(j.sb.views(user=PROCESSOR)) > before)
    j.submit(j.sb.views(user=PROCESSOR)[-1], {})
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
