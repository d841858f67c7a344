"""What the Slack line about a mail says and where it goes, read at send time (the outbox's
MAIL_NOTE renderer): None when there is nothing to post any more."""

from __future__ import annotations

from sqlalchemy import select

from store.db import Database
from store.models import Discrepancy, InboundMail, Order, OutgoingMail
from store.views.mail import MailNote

EXCERPT = 1500


def mail_note(db: Database, payload: dict) -> MailNote | None:
    with db.read() as session:
        channel, thread_ts = payload.get("channel"), payload.get("thread_ts")
        if payload.get("discrepancy_id"):
            d = session.get(Discrepancy, payload["discrepancy_id"])
            if d is None or not d.message_ts:
                return None
            channel, thread_ts = d.channel_id, d.message_ts
        if not channel:
            return None
        if payload["what"] in ("sent", "dead"):
            row = session.get(OutgoingMail, payload["id"])
            if row is None:
                return None
            ref = session.scalar(select(Order.ref).where(Order.id == row.order_id))
            return MailNote(channel, thread_ts, payload["what"], row.sent_by, row.to_address,
                            row.subject, row.last_error or "", ref)
        mail = session.get(InboundMail, payload["id"])
        if mail is None:
            return None
        ref = session.scalar(select(Order.ref).where(Order.id == mail.order_id))
        return MailNote(channel, thread_ts, "reply" if mail.order_id else "unmatched", None,
                        mail.from_address, mail.subject, mail.text[:EXCERPT], ref,
                        tuple(mail.attachments or ())[:10])
