"""Returns (RMAs) and the approvals that risky money changes wait for."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.enums import ApprovalKind, ApprovalStatus, ReturnOutcome, ReturnStatus
from store.models.base import Base, created_at_column, enum_column, money_column


class Return(Base):
    __tablename__ = "returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    rma: Mapped[str] = mapped_column(String(32), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    status: Mapped[ReturnStatus] = enum_column(
        ReturnStatus, "return_status", default=ReturnStatus.REQUESTED
    )
    refund_minor: Mapped[int] = money_column(default=0)
    shipping_refund_minor: Mapped[int] = money_column(default=0)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = created_at_column()

    lines: Mapped[list["ReturnLine"]] = relationship(
        back_populates="return_", cascade="all, delete-orphan"
    )


# The returns an order's fulfilment, payment and unpaid balance count: approved (at once or by a
# manager) and since received or closed; a pending one may still be rejected.
APPROVED_RETURN = (ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.CLOSED)


def refunded(order_id):
    """Σ goods and shipping refunded by an order's approved returns, minor units (0 for none):
    a scalar subquery correlated to `order_id` (e.g. Order.id)."""
    return (select(func.coalesce(func.sum(Return.refund_minor + Return.shipping_refund_minor), 0))
            .where(Return.order_id == order_id, Return.status.in_(APPROVED_RETURN))
            .scalar_subquery())


class ReturnLine(Base):
    __tablename__ = "return_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    quantity: Mapped[int]
    reason: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[ReturnOutcome] = enum_column(ReturnOutcome, "return_outcome")
    exchange_product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    refund_minor: Mapped[int] = money_column(default=0)

    return_: Mapped[Return] = relationship(back_populates="lines")


class Approval(Base):
    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ApprovalKind] = enum_column(ApprovalKind, "approval_kind")
    status: Mapped[ApprovalStatus] = enum_column(
        ApprovalStatus, "approval_status", default=ApprovalStatus.PENDING
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    amount_minor: Mapped[int] = money_column()
    # What will be applied on approval, e.g. the new price of a line.
    payload: Mapped[dict] = mapped_column(default=dict)
    requested_by: Mapped[str] = mapped_column(String(32))
    requested_at: Mapped[datetime] = created_at_column()
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
