"""Outgoing mails: queued with the order event that records them (one write transaction), then
delivered by jobs/mail.py like the Slack outbox: claimed with a lease in a transaction, sent
outside it, marked sent only once the SMTP server accepted the message. A temporary refusal
(4xx, the connection) retries with backoff; a permanent one (5xx) goes dead after
PERMANENT_TRIES, in case a server misreports a temporary fault."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store import clock, outbox
from store.control_chars import one_line, valid_address
from store.db import MAX_ROW_ID, Database
from store.enums import DiscrepancyStatus, MailStatus, PostKind
from store.errors import OrderNotFound, ValidationFailed
from store.mail.addresses import MAX_BODY, MAX_SUBJECT, message_id, new_token
from store.models import Customer, Discrepancy, Event, Order, OutgoingMail, PostedCard
from store.views.mail import MailView, Outgoing
from store.workspace import FULL

LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 30
PERMANENT_TRIES = 3
BACKOFF_CAP_S = 900
POST = "chat.postMessage"


def send_mail(db: Database, *, actor: str, sender: str, order_id: int, template: str, to: str,
              subject: str, body: str, discrepancy_id: int | None = None) -> MailView:
    """Queue a mail a person wrote; the order's history and thread show it (one transaction).
    ValidationFailed (HeaderInjection among them) names the field; nothing is queued then."""
    to, subject = valid_address(to), one_line(subject, "subject", limit=MAX_SUBJECT)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": "The message is empty."})
    if len(body) > MAX_BODY:
        raise ValidationFailed({"body": f"Keep the message under {MAX_BODY} characters."})
    with db.write() as session:
        row = queue(session, actor=actor, sender=sender, order_id=order_id, template=template,
                    to=to, subject=subject, body=body, discrepancy_id=discrepancy_id)
        _remember_address(session, row.customer_id, to)
        return mail_view(session, row)


def queue(session: Session, *, actor: str, sender: str, order_id: int, template: str, to: str,
          subject: str, body: str, discrepancy_id: int | None = None,
          dedupe_key: str | None = None) -> OutgoingMail:
    order = session.get(Order, order_id)
    if order is None:
        raise OrderNotFound(str(order_id))
    token, now = new_token(), clock.now()
    row = OutgoingMail(order_id=order_id, customer_id=order.customer_id,
                       discrepancy_id=discrepancy_id, template=template, to_address=to,
                       subject=subject, body=body, message_id=message_id(sender, token),
                       token=token, dedupe_key=dedupe_key, status=MailStatus.PENDING,
                       attempts=0, next_attempt_at=now, sent_by=actor, created_at=now)
    session.add(row)
    session.flush()
    session.add(Event(actor_id=actor, kind="mail.sent", order_id=order_id,
                      customer_id=order.customer_id, discrepancy_id=discrepancy_id, at=now,
                      summary=f"emailed {to}: {subject}"[:500]))
    note(session, what="sent", record_id=row.id, order_id=order_id,
         discrepancy_id=discrepancy_id)
    return row


def note(session: Session, *, what: str, record_id: int, order_id: int | None,
         discrepancy_id: int | None = None, fallback_channel: str | None = None) -> None:
    """Queue the Slack line about a mail: in its discrepancy's thread (else the order's newest
    routed discrepancy), else under the order's newest card shared in full, else in
    `fallback_channel`."""
    d = session.get(Discrepancy, discrepancy_id) if discrepancy_id else None
    if (d is None or not d.channel_id) and order_id is not None:
        d = session.scalar(select(Discrepancy).where(
            Discrepancy.order_id == order_id, Discrepancy.channel_id.is_not(None),
            Discrepancy.status != DiscrepancyStatus.RESOLVED)
            .order_by(Discrepancy.id.desc()).limit(1))
    payload = {"$render": PostKind.MAIL_NOTE, "what": what, "id": record_id}
    target = None
    if d is not None and d.channel_id:
        # The discrepancy's target: the note waits for its parent post, and reads its ts.
        payload["discrepancy_id"], target = d.id, f"discrepancy:{d.id}"
    else:
        # Only a card shared in full: the note names addresses and quotes the customer's
        # reply, which a status-only or customer-safe card's readers may not see.
        card = session.scalar(select(PostedCard).where(PostedCard.order_id == order_id,
                                                       PostedCard.sight == FULL)
                              .order_by(PostedCard.id.desc()).limit(1)) if order_id else None
        if card is not None:
            payload |= {"channel": card.channel_id, "thread_ts": card.message_ts}
        elif fallback_channel:
            payload["channel"] = fallback_channel
        else:
            return  # nowhere in Slack shows this order: the history has it
    outbox.enqueue(session, method=POST, payload=payload, target=target,
                   dedupe_key=f"mail-note:{what}:{record_id}")


def mail_view(session: Session, row: OutgoingMail) -> MailView:
    ref = session.scalar(select(Order.ref).where(Order.id == row.order_id))
    return MailView(id=row.id, order_ref=ref, to_address=row.to_address, subject=row.subject,
                    body=row.body, status=row.status.value, message_id=row.message_id,
                    reply_to=row.token, sent_by=row.sent_by, created_at=row.created_at,
                    attempts=row.attempts, last_error=row.last_error)


def list_mails(db: Database, *, since: datetime | None = None, limit: int = 50) -> list[MailView]:
    with db.read() as session:
        query = select(OutgoingMail).order_by(OutgoingMail.id).limit(limit)
        if since is not None:
            query = query.where(OutgoingMail.created_at >= since)
        return [mail_view(session, row) for row in session.scalars(query)]


def dead_mails(db: Database, *, limit: int = 15) -> tuple[list[MailView], int]:
    """The newest mails the server refused for good (or after every try), and how many."""
    with db.read() as session:
        dead = OutgoingMail.status == MailStatus.DEAD
        total = session.scalar(select(func.count()).select_from(OutgoingMail).where(dead))
        rows = session.scalars(select(OutgoingMail).where(dead)
                               .order_by(OutgoingMail.id.desc()).limit(limit))
        return [mail_view(session, row) for row in rows], int(total or 0)


def retry_dead_mails(db: Database, *, ids: list[int] | None = None) -> int:
    """Send dead mails again (all when `ids` is None): pending, due now, tries reset."""
    with db.write() as session:
        where = [OutgoingMail.status == MailStatus.DEAD]
        if ids is not None:
            where.append(OutgoingMail.id.in_([i for i in ids if i <= MAX_ROW_ID]))
        return len(session.execute(
            update(OutgoingMail).where(*where)
            .values(status=MailStatus.PENDING, attempts=0, next_attempt_at=clock.now())
            .returning(OutgoingMail.id)).all())


def claim_mails(db: Database, *, limit: int = 10) -> list[Outgoing]:
    """Lease due mails so no other sender takes them (the lease ends if this one dies)."""
    now = clock.now()
    with db.write() as session:
        query = (select(OutgoingMail).where(OutgoingMail.status == MailStatus.PENDING,
                                            OutgoingMail.next_attempt_at <= now)
                 .order_by(OutgoingMail.id).limit(limit))
        if db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        out = []
        for row in session.scalars(query):
            row.next_attempt_at, row.attempts = now + LEASE, row.attempts + 1
            earlier = session.scalar(select(OutgoingMail.message_id).where(
                OutgoingMail.order_id == row.order_id, OutgoingMail.id < row.id)
                .order_by(OutgoingMail.id.desc()).limit(1)) if row.order_id else None
            out.append(Outgoing(id=row.id, to_address=row.to_address, subject=row.subject,
                                body=row.body, message_id=row.message_id, token=row.token,
                                in_reply_to=earlier, attempts=row.attempts))
        return out


def mark_mail_sent(db: Database, *, mail_id: int) -> None:
    with db.write() as session:
        row = session.get(OutgoingMail, mail_id)
        if row is not None and row.status == MailStatus.PENDING:
            row.status, row.sent_at, row.last_error = MailStatus.SENT, clock.now(), None


def mark_mail_failed(db: Database, *, mail_id: int, error: str, permanent: bool,
                     final: bool = False) -> None:
    """`final`: no try can ever send it (an address no server of ours takes): dead now."""
    with db.write() as session:
        row = session.get(OutgoingMail, mail_id)
        if row is None or row.status != MailStatus.PENDING:
            return
        row.last_error = error[:2000]
        limit = PERMANENT_TRIES if permanent else MAX_ATTEMPTS
        if final or row.attempts >= limit:
            row.status = MailStatus.DEAD
            session.add(Event(actor_id="system", kind="mail.dead", order_id=row.order_id,
                              customer_id=row.customer_id, at=clock.now(),
                              summary=f"the mail to {row.to_address} ({row.subject}) could not "
                                      f"be delivered: {error}"[:500]))
            # Said where it was announced, so nobody waits for an answer that cannot come.
            note(session, what="dead", record_id=row.id, order_id=row.order_id,
                 discrepancy_id=row.discrepancy_id)
            return
        delay = min(BACKOFF_CAP_S, 2 * 2 ** min(row.attempts, 10))
        row.next_attempt_at = clock.now() + timedelta(seconds=delay)


def next_mail_due(db: Database) -> datetime | None:
    with db.read() as session:
        return session.scalar(select(OutgoingMail.next_attempt_at).where(
            OutgoingMail.status == MailStatus.PENDING)
            .order_by(OutgoingMail.next_attempt_at).limit(1))


def _remember_address(session: Session, customer_id: int, email: str) -> None:
    """An address typed for a customer that had none becomes its contact email (the modal
    asked for it)."""
    customer = session.get(Customer, customer_id)
    if customer is not None and not customer.email:
        customer.email, customer.bad_email = email, False

