"""Storefront and carrier webhooks (store.connect): each delivery kept once, each source's
counts for the admin."""

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, created_at_column


class ConnectEvent(Base):
    """A webhook delivery already handled, by the platform's own delivery id: platforms retry,
    the desk acts once. `result` is the answer given, returned again to a retry."""

    __tablename__ = "connect_events"
    __table_args__ = (UniqueConstraint("source", "delivery_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    delivery_id: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict] = mapped_column(default=dict)
    received_at: Mapped[datetime] = created_at_column()


class ConnectSource(Base):
    """What `orderdesk connect list` shows of one source: last event, counts, last error."""

    __tablename__ = "connect_sources"

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    accepted: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)
    duplicate: Mapped[int] = mapped_column(default=0)
    last_event_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
