"""Customer email: mails from the desk (a template chosen by the situation, prefilled from the
order, queued with the order event that records it, delivered over SMTP by jobs/mail.py), the
replies and bounces that come back (/connect/mail), and automatic notices customers opt into.

    draft_for(db, ref=|discrepancy_id=)   what the "Email customer" modal starts from
    send_mail(db, ...)                    queue a written mail (+ event + thread note)
    claim_mails / mark_mail_sent / mark_mail_failed / next_mail_due    the sender's side
    dead_mails / retry_dead_mails         what the server refused for good (/orders mail)
    receive_mail(db, InboundMessage)      a reply or a bounce
    due_notices / queue_notice            automatic notices
    mail_note(db, payload)                the Slack line about a mail, at send time
"""

from store.control_chars import HeaderInjection, ascii_address, valid_address
from store.mail.addresses import reply_address
from store.mail.drafts import TEMPLATES, draft_for
from store.mail.inbound import receive_mail
from store.mail.notes import mail_note
from store.mail.notices import Notice, due_notices, queue_notice
from store.mail.sending import (
    claim_mails,
    dead_mails,
    list_mails,
    mark_mail_failed,
    mark_mail_sent,
    next_mail_due,
    retry_dead_mails,
    send_mail,
)

__all__ = [
    "ascii_address",
    "HeaderInjection",
    "Notice",
    "TEMPLATES",
    "claim_mails",
    "dead_mails",
    "draft_for",
    "due_notices",
    "list_mails",
    "mail_note",
    "mark_mail_failed",
    "mark_mail_sent",
    "next_mail_due",
    "queue_notice",
    "receive_mail",
    "reply_address",
    "retry_dead_mails",
    "send_mail",
    "valid_address",
]
