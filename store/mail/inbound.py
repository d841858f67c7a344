"""Mail posted to /connect/mail: a customer's reply, matched to its order by In-Reply-To or
References (the Message-ID of a mail we sent), else by the plus-address token it was sent to,
else by an order ref in the subject; posted (quoted history cut) in the order's thread, or in
the inbound_mail route's channel (else the default route's) when nothing matched. A bounce (a
delivery status notification) marks the address bad and opens a bad_contact discrepancy on
the order."""

from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store import clock
from store.db import Database
from store.enums import DiscrepancyType
from store.mail.addresses import token_in
from store.mail.quoting import new_part
from store.mail.sending import note
from store.models import Customer, Event, InboundMail, Order, OutgoingMail
from store.triage import RULES, WORDS, Finding, open_findings, order_ref_in
from store.views.mail import InboundMessage, InboundResult
from store.workspace import INBOUND_MAIL, channel_for, route_map

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,200}>")
_DAEMON = re.compile(r"mailer-daemon|postmaster", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(r"^\s*(undeliver|delivery status notification|mail delivery "
                             r"fail|returned mail|failure notice)", re.IGNORECASE)
_RECIPIENT = re.compile(r"^\s*(?:final|original)-recipient:\s*rfc822;\s*(\S+@\S+)\s*$",
                        re.IGNORECASE | re.MULTILINE)


def is_bounce(mail: InboundMessage) -> bool:
    content_type = mail.headers.get("content-type", "")
    return bool(_DAEMON.search(mail.from_address) or "multipart/report" in content_type.lower()
                or _BOUNCE_SUBJECT.match(mail.subject))


def _sent_mail(session: Session, mail: InboundMessage) -> tuple[OutgoingMail | None, str | None]:
    ids = _MESSAGE_ID.findall(" ".join(mail.headers.get(h, "") for h in
                                       ("in-reply-to", "references")))
    if ids:
        row = session.scalar(select(OutgoingMail).where(OutgoingMail.message_id.in_(ids[:50]))
                             .order_by(OutgoingMail.id.desc()).limit(1))
        if row is not None:
            return row, "in-reply-to"
    token = token_in(mail.to)
    if token:
        row = session.scalar(select(OutgoingMail).where(OutgoingMail.token == token))
        if row is not None:
            return row, "token"
    return None, None


def receive_mail(db: Database, mail: InboundMessage) -> InboundResult:
    bounce = is_bounce(mail)
    # Read before the write: a ref named in the subject (the weakest match).
    ref_in_subject = None if bounce else order_ref_in(db, text=mail.subject)
    with db.write() as session:
        sent, matched_by = _sent_mail(session, mail)
        order_id = sent.order_id if sent is not None else None
        if order_id is None and ref_in_subject:
            order_id = session.scalar(select(Order.id).where(Order.ref == ref_in_subject))
            matched_by = "subject" if order_id is not None else None
        text = mail.text if bounce else new_part(mail.text)
        row = InboundMail(order_id=order_id, reply_to_mail_id=sent.id if sent else None,
                          matched_by=matched_by, from_address=mail.from_address[:254],
                          subject=mail.subject[:200], text=text[:20_000],
                          attachments=list(mail.attachments[:50]), bounce=bounce,
                          received_at=clock.now())
        session.add(row)
        session.flush()
        if bounce:
            opened = _bounced(session, row, sent, mail)
            return InboundResult(row.id, _ref(session, order_id), matched_by, True, opened)
        if order_id is not None:
            session.add(Event(actor_id="customer", kind="mail.reply", order_id=order_id,
                              at=clock.now(), summary=f"{row.from_address} replied: "
                                                      f"{row.subject}"[:500]))
        note(session, what="reply", record_id=row.id, order_id=order_id,
             discrepancy_id=sent.discrepancy_id if sent else None,
             fallback_channel=channel_for(route_map(session), INBOUND_MAIL))
        return InboundResult(row.id, _ref(session, order_id), matched_by, False)


def _ref(session: Session, order_id: int | None) -> str | None:
    return session.scalar(select(Order.ref).where(Order.id == order_id)) if order_id else None


def _bounced(session: Session, row: InboundMail, sent: OutgoingMail | None,
             mail: InboundMessage) -> tuple[int, ...]:
    """The address that bounced (the mail it answers, else the DSN's recipient) is marked bad
    on every customer that has it; the order the mail was about gets a bad_contact item."""
    address = sent.to_address if sent else None
    if address is None:
        found = _RECIPIENT.search(mail.text)
        address = found.group(1).strip("<>") if found else None
    if address is None:
        return ()
    session.execute(update(Customer).where(Customer.email == address).values(bad_email=True))
    if row.order_id is None:
        return ()
    ref = _ref(session, row.order_id)
    finding = Finding(row.order_id, DiscrepancyType.BAD_CONTACT, RULES.severity("bad_contact"),
                      f"bad_contact:{address.lower()}",
                      f"{ref}: mail to {address} bounced"[:200],
                      {"expected": "a working customer email", "found": f"{address} bounced: "
                       f"{row.subject}"[:300],
                       WORDS: {"kind": "bounced_mail", "ref": ref, "address": address,
                               "subject": row.subject}})
    return tuple(open_findings(session, [finding], actor="mail", now=clock.now(),
                               rules=RULES))
