"""What Orderdesk keeps about the Slack workspace: roles, routes, posted messages, events,
modal submissions, outbox."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.enums import OutboxStatus, Role
from store.models.base import Base, created_at_column, enum_column


class User(Base):
    """A Slack user whose role was set explicitly; everyone else has the default role."""

    __tablename__ = "users"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[Role] = enum_column(Role, "role")
    display_name: Mapped[str | None] = mapped_column(String(200))
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = created_at_column()


class UserLanguage(Base):
    """The language a person chose with `/orders language` (a language code, e.g. "es");
    without a row, Slack's locale and then the workspace default decide."""

    __tablename__ = "user_languages"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = created_at_column()


class ChannelRoute(Base):
    """Where things are posted: a discrepancy type, 'default', 'manager' or 'warehouse'."""

    __tablename__ = "channel_routes"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = created_at_column()
    # The language of what is posted there unasked ("es"); None: the workspace default.
    language: Mapped[str | None] = mapped_column(String(16))


class ChannelLink(Base):
    """A Slack Connect channel shared with one customer (`/orders connect`): the people of
    the other organisation there may ask about that account's orders, customer-safe."""

    __tablename__ = "channel_links"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    linked_by: Mapped[str | None] = mapped_column(String(32))
    linked_at: Mapped[datetime] = created_at_column()


class AutolinkChannel(Base):
    """A channel opted in to autolink (`/orders autolink <#channel> on`): a message there that
    names known orders gets one compact answer in its thread."""

    __tablename__ = "autolink_channels"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enabled_by: Mapped[str | None] = mapped_column(String(32))
    enabled_at: Mapped[datetime] = created_at_column()


class PostedCard(Base):
    """An order card posted in a channel, so an edit can update every copy in place."""

    __tablename__ = "posted_cards"
    __table_args__ = (UniqueConstraint("channel_id", "message_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    posted_at: Mapped[datetime] = created_at_column()
    # What the sharer could see (store.workspace.visibility): later redraws show no more.
    sight: Mapped[str] = mapped_column(String(16), default="full", server_default="full")


class Follow(Base):
    """A thread that hears about later changes to an order."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("order_id", "channel_id", "thread_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = created_at_column()


class ProcessedEvent(Base):
    """Slack event ids already handled: Slack retries deliveries, we answer once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = created_at_column()


class Submission(Base):
    """A modal submission that changed something, by the token its modal carried
    (private_metadata): the same submission delivered again is answered with `result`."""

    __tablename__ = "submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str] = mapped_column(String(32))
    # What the first delivery answered (the handler's summary of its result).
    result: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = created_at_column()


class OutboxMessage(Base):
    """A Slack post committed with the change that caused it, delivered later until Slack takes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Web API method, e.g. chat.postMessage or chat.update.
    method: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(default=dict)
    # Delivering the same key twice is refused, so a replay never posts twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Where to store the resulting ts, e.g. "discrepancy:42".
    target: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[OutboxStatus] = enum_column(
        OutboxStatus, "outbox_status", default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = created_at_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None]
    result_ts: Mapped[str | None] = mapped_column(String(32))


class Counter(Base):
    """Named sequences for human-facing numbers (order refs, RMAs) that work on both databases."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class ImportRun(Base):
    """One run of `orderdesk import`: what file, how it went."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = created_at_column()
    finished_at: Mapped[datetime | None]
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_imported: Mapped[int] = mapped_column(default=0)
    rows_unchanged: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    rejections: Mapped[list] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
