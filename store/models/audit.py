"""The append-only events log: who did what, when, and for edits each field's before and after."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, created_at_column

# The import's fingerprint of an order rides in its "imported" event as a pseudo-field: the
# importer compares it to spot a re-import, and the audit trail never shows it.
FINGERPRINT_FIELD = "import_fingerprint"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_order_id_id", "order_id", "id"),
        Index("ix_events_customer_id_id", "customer_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at_column()
    # A Slack user id, or "system" / "import" / "intake" for work nobody clicked.
    actor_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    discrepancy_id: Mapped[int | None] = mapped_column(ForeignKey("discrepancies.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    # For edits: [{"field": ..., "before": ..., "after": ...}, ...]
    changes: Mapped[list] = mapped_column(default=list)
