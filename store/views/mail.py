"""What crosses the boundary for customer email (store.mail)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from store.views.orders import OrderView


@dataclass(frozen=True)
class MailDraft:
    """What the "Email customer" modal and the mail templates start from. `order` is what the
    customer may see of it; templates use none of its notes, costs or events."""

    order: OrderView
    to_address: str | None  # the customer's contact email, None when there is none
    bad_email: bool  # that address bounced before
    template: str  # chosen by the situation (the discrepancy's type)
    discrepancy_id: int | None
    evidence: dict  # the discrepancy's expected/found, for the price or stock wording
    language: str | None = None  # the customer's; None: the workspace default


@dataclass(frozen=True)
class MailNote:
    """A line in Slack about a mail: where it goes (a thread, or a channel) and what it says.
    kind: "sent" (actor emailed address), "dead" (the server refused it for good: text is the
    error), "reply" (a customer's reply on order_ref) or "unmatched" (mail matching no
    order)."""

    channel: str
    thread_ts: str | None
    kind: str
    actor: str | None
    address: str
    subject: str
    text: str
    order_ref: str | None
    attachments: tuple[str, ...] = ()  # a reply's files, by name (nothing of them is kept)


@dataclass(frozen=True)
class MailView:
    id: int
    order_ref: str | None
    to_address: str
    subject: str
    body: str
    status: str
    message_id: str
    reply_to: str
    sent_by: str
    created_at: datetime
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class Outgoing:
    """A claimed mail for the sender (jobs/mail.py): everything the SMTP message needs."""

    id: int
    to_address: str
    subject: str
    body: str
    message_id: str
    token: str
    in_reply_to: str | None  # the order's previous mail, so clients thread them
    attempts: int


@dataclass(frozen=True)
class InboundMessage:
    """A mail as a mail service posts it to /connect/mail, already read by bot/mail.py."""

    from_address: str
    to: str
    subject: str
    text: str
    headers: dict[str, str]  # lower-case names
    attachments: tuple[str, ...] = ()  # file names only: nothing of them is stored


@dataclass(frozen=True)
class InboundResult:
    id: int
    order_ref: str | None
    matched_by: str | None  # "in-reply-to", "token", "subject", or None
    bounce: bool
    discrepancies: tuple[int, ...] = ()
