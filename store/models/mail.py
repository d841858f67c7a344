"""Customer email (store.mail): mails the desk sends, and the mails that come back."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.enums import MailStatus
from store.models.base import Base, created_at_column, enum_column


class OutgoingMail(Base):
    """One mail to a customer, committed with the order event that records it and delivered by
    jobs/mail.py: claimed (a lease in next_attempt_at) before it is sent, `sent` only once the
    SMTP server accepted it. `message_id` and `token` match the replies (In-Reply-To, the
    plus address)."""

    __tablename__ = "outgoing_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    discrepancy_id: Mapped[int | None] = mapped_column(ForeignKey("discrepancies.id"))
    template: Mapped[str] = mapped_column(String(32))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    # An automatic notice's key ("shipped:<shipment id>"): queued once, however often swept.
    dedupe_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    status: Mapped[MailStatus] = enum_column(MailStatus, "mail_status", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None]


class InboundMail(Base):
    """A mail posted to /connect/mail: a customer's reply (matched to its order, or not) or a
    bounce. Kept as text only; attachments are listed by name, never stored."""

    __tablename__ = "inbound_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    reply_to_mail_id: Mapped[int | None] = mapped_column(ForeignKey("outgoing_mails.id"))
    matched_by: Mapped[str | None] = mapped_column(String(16))
    from_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list] = mapped_column(default=list)
    bounce: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime] = created_at_column()
    # The mail's own Message-ID: a service that posts it again (a retry) finds it kept.
    message_id: Mapped[str | None] = mapped_column(String(200), unique=True)
