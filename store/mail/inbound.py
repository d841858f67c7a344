"""Mail posted to /connect/mail: a customer's reply, matched to its order by In-Reply-To or
References (the Message-ID of a mail we sent), else by the plus-address token it was sent to,
else by an order ref in the subject when the sender is that order's customer (their address,
a contact's, or their company's domain); posted (quoted history cut) in the order's thread, or
in the inbound_mail route's channel (else the default route's) when nothing matched. The same
mail posted twice (a service's retry) is kept and posted once, by its Message-ID. An
auto-reply (out of office) is kept in the order's history, never posted as an answer. A bounce
(a delivery status notification) marks the address bad and opens a bad_contact discrepancy on
the order; a delay warning (4.x.x, Action: delayed) is only kept."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store import clock
from store.db import Database
from store.enums import DiscrepancyType
from store.mail.addresses import token_in
from store.mail.quoting import new_part
from store.mail.sending import note
from store.models import (
    Customer,
    CustomerContact,
    Event,
    InboundMail,
    Order,
    OutgoingMail,
)
from store.triage import RULES, WORDS, Finding, open_findings, order_ref_in
from store.views.mail import InboundMessage, InboundResult
from store.workspace import INBOUND_MAIL, channel_for, route_map

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,200}>")
_DAEMON = re.compile(r"mailer-daemon|postmaster", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(r"^\s*(undeliver|delivery status notification|mail delivery "
                             r"fail|returned mail|failure notice)", re.IGNORECASE)
_RECIPIENT = re.compile(r"^\s*(?:final|original)-recipient:\s*rfc822;\s*(\S+@\S+)\s*$",
                        re.IGNORECASE | re.MULTILINE)
# A delivery only delayed, still being retried: the address may well work.
_DELAYED = re.compile(r"^\s*(?:action:\s*delayed|status:\s*4\.\d)|\(delay\)|delayed mail",
                      re.IGNORECASE | re.MULTILINE)
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|out of (?:the )?office"
    r"|abwesenheitsnotiz|respuesta automática|réponse automatique|fuera de la oficina"
    r"|absence du bureau|risposta automatica)", re.IGNORECASE)
# Domains shared by strangers: one sender there says nothing about another.
_PUBLIC_DOMAINS = frozenset(
    "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com ymail.com "
    "icloud.com me.com mac.com aol.com gmx.de gmx.net web.de proton.me protonmail.com "
    "yandex.ru mail.ru qq.com 163.com hotmail.es yahoo.es outlook.es".split())


def is_bounce(mail: InboundMessage) -> bool:
    """A delivery report: from a mailer daemon, or a multipart/report. The subject alone
    ("Undelivered…") is read as one only by receive_mail, for senders who are not a
    customer: a customer writing "Undelivered - SO-1042 never arrived" is complaining."""
    content_type = mail.headers.get("content-type", "")
    return bool(_DAEMON.search(mail.from_address) or "multipart/report" in content_type.lower())


def is_auto_reply(mail: InboundMessage) -> bool:
    """RFC 3834's Auto-Submitted, the de-facto X-Autoreply / Precedence, or the subjects
    clients give out-of-office answers."""
    h = mail.headers
    auto = h.get("auto-submitted", "").strip().lower()
    return bool((auto and auto != "no") or h.get("x-autoreply") or h.get("x-autorespond")
                or h.get("precedence", "").strip().lower() in ("auto_reply", "bulk", "junk")
                or _AUTO_SUBJECT.match(mail.subject))


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
    # Read before the write: a ref named in the subject (the weakest match), and the reply's
    # new part (cutting the quote is work a big mail makes long: never under the write lock).
    ref_in_subject = None if bounce else order_ref_in(db, text=mail.subject)
    text = mail.text if bounce else new_part(mail.text)
    message_id = (_MESSAGE_ID.findall(mail.headers.get("message-id", "")) or [None])[0]
    try:
        return _receive(db, mail, bounce, ref_in_subject, text, message_id)
    except IntegrityError:  # the same mail, delivered twice at once: the other one has it
        with db.read() as session:
            return _already(session, message_id)


def _receive(db: Database, mail: InboundMessage, bounce: bool, ref_in_subject: str | None,
             text: str, message_id: str | None) -> InboundResult:
    with db.write() as session:
        if message_id is not None and (seen := _already(session, message_id)) is not None:
            return seen
        sent, matched_by = _sent_mail(session, mail)
        order_id = sent.order_id if sent is not None else None
        if order_id is None and ref_in_subject:
            order = session.scalar(select(Order).where(Order.ref == ref_in_subject))
            if order is not None and _from_its_customer(session, order.customer_id,
                                                        mail.from_address):
                order_id, matched_by = order.id, "subject"
        if not bounce and order_id is None and _BOUNCE_SUBJECT.match(mail.subject) \
                and not _a_customer(session, mail.from_address):
            bounce, text = True, mail.text
        row = InboundMail(order_id=order_id, reply_to_mail_id=sent.id if sent else None,
                          matched_by=matched_by, from_address=mail.from_address[:254],
                          subject=mail.subject[:200], text=text[:20_000],
                          attachments=list(mail.attachments[:50]), bounce=bounce,
                          received_at=clock.now(), message_id=message_id)
        session.add(row)
        session.flush()
        if bounce:
            opened = _bounced(session, row, sent, mail)
            return InboundResult(row.id, _ref(session, order_id), matched_by, True, opened)
        if is_auto_reply(mail):  # kept in the history, not posted as the customer's answer
            if order_id is not None:
                session.add(Event(actor_id="customer", kind="mail.auto_reply",
                                  order_id=order_id, at=clock.now(),
                                  summary=f"auto-reply from {row.from_address}: "
                                          f"{row.subject}"[:500]))
            return InboundResult(row.id, _ref(session, order_id), matched_by, False)
        if order_id is not None:
            session.add(Event(actor_id="customer", kind="mail.reply", order_id=order_id,
                              at=clock.now(), summary=f"{row.from_address} replied: "
                                                      f"{row.subject}"[:500]))
        note(session, what="reply", record_id=row.id, order_id=order_id,
             discrepancy_id=sent.discrepancy_id if sent else None,
             fallback_channel=channel_for(route_map(session), INBOUND_MAIL))
        return InboundResult(row.id, _ref(session, order_id), matched_by, False)


def _already(session: Session, message_id: str | None) -> InboundResult | None:
    """The mail kept under this Message-ID, as its first delivery was answered."""
    if message_id is None:
        return None
    row = session.scalar(select(InboundMail).where(InboundMail.message_id == message_id))
    if row is None:
        return None
    return InboundResult(row.id, _ref(session, row.order_id), row.matched_by, row.bounce)


def _addresses(session: Session, customer_id: int | None = None) -> list[str]:
    """The customer's address and its contacts' (every customer's without an id), lower."""
    own = select(func.lower(Customer.email)).where(Customer.email.is_not(None))
    contacts = select(func.lower(CustomerContact.email)).where(
        CustomerContact.email.is_not(None))
    if customer_id is not None:
        own = own.where(Customer.id == customer_id)
        contacts = contacts.where(CustomerContact.customer_id == customer_id)
    return [*session.scalars(own), *session.scalars(contacts)]


def _from_its_customer(session: Session, customer_id: int, sender: str) -> bool:
    """A subject naming an order is believed only from its customer: their address, a
    contact's, or someone at their company's own domain. Anyone can write SO-1043 in a
    subject; a stranger's mail must not land in that order's thread."""
    sender = sender.strip().lower()
    known = _addresses(session, customer_id)
    if sender in known:
        return True
    domain = sender.rpartition("@")[2]
    return domain not in _PUBLIC_DOMAINS and any(a.rpartition("@")[2] == domain for a in known)


def _a_customer(session: Session, sender: str) -> bool:
    sender = sender.strip().lower()
    return session.scalar(select(Customer.id).where(func.lower(Customer.email) == sender)
                          .limit(1)) is not None or session.scalar(
        select(CustomerContact.id).where(func.lower(CustomerContact.email) == sender)
        .limit(1)) is not None


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
    if address is None or _DELAYED.search(f"{row.subject}\n{mail.text}"):
        return ()  # no address to blame, or only delayed: the mail may still arrive
    bounced = address.strip().lower()
    # The customers it was theirs: their own email, or, for one without, a contact's (where
    # their notices went). A customer with a working address of its own keeps it.
    a_contact = select(CustomerContact.customer_id).where(
        func.lower(CustomerContact.email) == bounced)
    session.execute(update(Customer).where(or_(
        func.lower(Customer.email) == bounced,
        Customer.email.is_(None) & Customer.id.in_(a_contact))).values(bad_email=True))
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
