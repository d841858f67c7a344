"""Digest subscriptions and the runs that claim each period exactly once."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.enums import DigestPeriod, DigestRunStatus
from store.models.base import Base, created_at_column, enum_column


class DigestSubscription(Base):
    __tablename__ = "digest_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[DigestPeriod] = enum_column(DigestPeriod, "digest_period")
    # What it posts: "digest" (the desk's figures) or "scorecard" (each processor's).
    report: Mapped[str] = mapped_column(String(16), default="digest", server_default="digest")
    channel_id: Mapped[str] = mapped_column(String(32))
    # Local wall-clock time and IANA zone the digest is posted at.
    at_time: Mapped[str] = mapped_column(String(5), default="08:00")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(default=True)
    # The language it is posted in ("es"); None: the workspace default.
    language: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = created_at_column()


class DigestRun(Base):
    __tablename__ = "digest_runs"
    # The claim: one row per subscription and period, inserted before anything is posted.
    __table_args__ = (UniqueConstraint("subscription_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("digest_subscriptions.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[DigestRunStatus] = enum_column(
        DigestRunStatus, "digest_run_status", default=DigestRunStatus.CLAIMED
    )
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = created_at_column()
    posted_at: Mapped[datetime | None]
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # Why its last try failed (Slack's error), while it waits for a retry.
    error: Mapped[str | None] = mapped_column(String(200))
