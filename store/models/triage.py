"""Discrepancies: one problem found on one order, worked to resolution in a triage channel."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.enums import DiscrepancyStatus, DiscrepancyType, Severity
from store.models.base import Base, created_at_column, enum_column, inline
from store.models.orders import Order


class Discrepancy(Base):
    __tablename__ = "discrepancies"
    __table_args__ = (
        # The same finding on the same order never opens a second discrepancy.
        UniqueConstraint("order_id", "fingerprint"),
        Index("ix_discrepancies_status_opened_at", "status", "opened_at"),
        Index("ix_discrepancies_opened_at", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    type: Mapped[DiscrepancyType] = enum_column(DiscrepancyType, "discrepancy_type")
    severity: Mapped[Severity] = enum_column(Severity, "severity")
    status: Mapped[DiscrepancyStatus] = enum_column(
        DiscrepancyStatus, "discrepancy_status", default=DiscrepancyStatus.NEW
    )
    # Identifies the finding (type + what it is about, e.g. the line) for deduplication.
    fingerprint: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    # Expected vs found, and whatever else a person needs to judge it.
    evidence: Mapped[dict] = mapped_column(default=dict)
    owner_id: Mapped[str | None] = mapped_column(String(32), index=True)
    opened_by: Mapped[str | None] = mapped_column(String(32))
    opened_at: Mapped[datetime] = created_at_column()
    snoozed_until: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    sla_due_at: Mapped[datetime | None]
    nudged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(32))
    resolution_reason: Mapped[str | None] = mapped_column(String(64))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    # The one parent message in the triage channel, kept current with chat.update.
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    version_id: Mapped[int] = mapped_column(nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    order: Mapped[Order] = relationship()


# The open credit items, few however many orders there are: when a customer's unpaid total
# moves, the import rechecks its other orders' items from here (store.triage.checks), stating
# this condition, instead of walking every order of the customer.
OPEN_CREDIT = and_(Discrepancy.type == inline(DiscrepancyType.CREDIT_LIMIT)[0],
                   Discrepancy.status != inline(DiscrepancyStatus.RESOLVED)[0])
Index("ix_discrepancies_open_credit", Discrepancy.order_id, sqlite_where=OPEN_CREDIT,
      postgresql_where=OPEN_CREDIT)
