"""Orders, their lines and holds, and the shipments that carry them out.

An order's state is three separate axes (order, fulfilment, payment) plus holds,
as Saleor, Medusa, ERPNext and Odoo model it.
"""

import re
import unicodedata
from datetime import date, datetime

from sqlalchemy import (
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    cast,
    event,
    false,
    literal_column,
    text,
    type_coerce,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.enums import FulfilmentStatus, HoldReason, OrderStatus, PaymentStatus
from store.models.base import Base, created_at_column, enum_column, inline, money_column
from store.models.catalog import Product, Warehouse
from store.models.customers import Customer


def ref_key_of(text: str) -> str:
    """An order ref as people type it, made comparable: 'HX-2001', 'hx 2001', 'HX#02001' ->
    'hx2001'; '#1001' -> '1001'. Casefolded, only letters and digits kept, leading zeros of
    each run of digits dropped (ERPs pad, people don't)."""
    kept = "".join(c for c in (text or "").casefold() if c.isalnum())
    return _PADDING.sub("", kept)


def folded(text: str) -> str:
    """Text as typed in a full-width or another script's digits, in plain ASCII letters and
    digits where those have one: 'ＳＯ-１０４２' (a Japanese keyboard's) and 'SO-١٠٤٢' (Arabic-Indic)
    -> 'SO-1042'. Compatibility forms (NFKC) and every decimal digit; the rest as it was."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c
                   for c in unicodedata.normalize("NFKC", text or ""))


def ref_prefix_of(key: str) -> str:
    """The letters a ref key starts with: 'hx2001' -> 'hx', '4500012345' -> ''."""
    for i, char in enumerate(key):
        if char.isdigit():
            return key[:i]
    return key


# A zero that starts a run of digits and is followed by another digit.
_PADDING = re.compile(r"(?<![0-9])0+(?=[0-9])")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_customer_id_ordered_at", "customer_id", "ordered_at"),
        Index("ix_orders_ordered_at", "ordered_at"),
        # Digests (store/metrics/queries.py): open orders by age for the backlog, and the
        # orders received in a period counted from the index alone.
        Index("ix_orders_status_ordered_at", "status", "ordered_at"),
        Index("ix_orders_ordered_at_status_customer_id", "ordered_at", "status", "customer_id"),
        # Lookup by PO, and the checks' first use of a PO by the same customer: POs are shared
        # between customers, so the customer is matched in the index, not on each order row.
        Index("ix_orders_po_number_customer_id", "po_number", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    # ref_key_of(ref) and its leading letters: every spelling of a ref finds it through one
    # index, and the prefixes in use are read from the second (store.refs.ref_prefixes).
    # Kept in step by the ORM (below) and by the bulk writers (seed, importer).
    ref_key: Mapped[str] = mapped_column(String(64), index=True)
    ref_prefix: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    po_number: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    ordered_at: Mapped[datetime]
    requested_date: Mapped[date | None]
    promised_date: Mapped[date | None]
    status: Mapped[OrderStatus] = enum_column(OrderStatus, "order_status", default=OrderStatus.OPEN)
    fulfilment_status: Mapped[FulfilmentStatus] = enum_column(
        FulfilmentStatus, "fulfilment_status", default=FulfilmentStatus.UNFULFILLED
    )
    payment_status: Mapped[PaymentStatus] = enum_column(
        PaymentStatus, "payment_status", default=PaymentStatus.AWAITING
    )
    payment_status_at: Mapped[datetime | None]
    shipping_minor: Mapped[int] = money_column(default=0)
    ship_name: Mapped[str | None] = mapped_column(String(200))
    ship_line1: Mapped[str | None] = mapped_column(String(200))
    ship_line2: Mapped[str | None] = mapped_column(String(200))
    ship_city: Mapped[str | None] = mapped_column(String(100))
    ship_region: Mapped[str | None] = mapped_column(String(100))
    ship_postal_code: Mapped[str | None] = mapped_column(String(32))
    ship_country: Mapped[str | None] = mapped_column(String(2))
    shipping_instructions: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    sales_rep_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # Where the order came from: import, intake, modal, seed.
    source: Mapped[str] = mapped_column(String(16), default="modal")
    # A storefront's own id ("shopify:450789469"), and when the storefront last changed it:
    # a redelivered or stale update never regresses the order.
    external_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    external_updated_at: Mapped[datetime | None]
    canceled_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()
    version_id: Mapped[int] = mapped_column(nullable=False)

    __mapper_args__ = {"version_id_col": version_id}

    customer: Mapped[Customer] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.line_no"
    )
    holds: Mapped[list["OrderHold"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderHold.id"
    )
    shipments: Mapped[list["Shipment"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Shipment.id"
    )


# The orders a customer's unpaid total adds up (store.customers.view: CREDIT_STATUSES, UNPAID): a
# few percent of the table. The import's credit check reads that total per batch for customers
# with long histories; it states this condition (store.triage.facts) to read through the index.
# `|| ''`: no index serves the status term, else SQLite walks every open and completed order by
# status when the list of customers is long.
OWING = and_(type_coerce(Order.status, String).concat(literal_column("''"))
             .in_(inline(OrderStatus.OPEN, OrderStatus.COMPLETED)),
             Order.payment_status.in_(inline(PaymentStatus.AWAITING, PaymentStatus.AUTHORIZED,
                                             PaymentStatus.FAILED)))
Index("ix_orders_owing", Order.customer_id, sqlite_where=OWING, postgresql_where=OWING)


@event.listens_for(Order.ref, "set")
def _keep_ref_key(order: Order, value: str, _old, _initiator) -> None:
    order.ref_key = ref_key_of(value)
    order.ref_prefix = ref_prefix_of(order.ref_key)


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        # Digests: the few backordered lines, probed per shipped order.
        Index("ix_order_lines_backordered", "order_id",
              sqlite_where=text("quantity_backordered > 0"),
              postgresql_where=text("quantity_backordered > 0")),
        # A SKU's orders, newest first, and how many (0023): read from the index alone.
        Index("ix_order_lines_sku_order_id", "sku", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    line_no: Mapped[int]
    # The SKU as the customer sent it; product_id stays empty when it matches nothing.
    sku: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    description: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[int]
    unit_price_minor: Mapped[int] = money_column()
    quantity_backordered: Mapped[int] = mapped_column(default=0)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    # Units of this line currently reserved against stock.
    quantity_reserved: Mapped[int] = mapped_column(default=0)
    # The storefront's own id of the line ("466157049", Shopify's line item id) on an order
    # with an external key: a refund names the line by it, and a SKU may be on two lines.
    external_id: Mapped[str | None] = mapped_column(String(80))

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()
    warehouse: Mapped[Warehouse | None] = relationship()


class OrderHold(Base):
    __tablename__ = "order_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    reason: Mapped[HoldReason] = enum_column(HoldReason, "hold_reason")
    note: Mapped[str | None] = mapped_column(Text)
    placed_by: Mapped[str | None] = mapped_column(String(32))
    placed_at: Mapped[datetime] = created_at_column()
    released_by: Mapped[str | None] = mapped_column(String(32))
    released_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(back_populates="holds")


class Shipment(Base):
    __tablename__ = "shipments"
    __table_args__ = (
        Index("ix_shipments_shipped_at", "shipped_at"),
        # Digests: an order's first shipment (probe by order), the shipments of a period
        # read from the index alone, and the few damaged or badly documented ones.
        Index("ix_shipments_order_id_shipped_at", "order_id", "shipped_at", "return_id"),
        Index("ix_shipments_shipped_at_return_id_order_id", "shipped_at", "return_id",
              "order_id"),
        Index("ix_shipments_problems", "order_id",
              sqlite_where=text("damaged = 1 OR documents_ok = 0"),
              postgresql_where=text("damaged OR NOT documents_ok")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    carrier: Mapped[str] = mapped_column(String(32))
    service: Mapped[str | None] = mapped_column(String(64))
    shipped_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    # The carrier's last word (EasyPost's statuses: in_transit, out_for_delivery, delivered,
    # failure...) and when the carrier said it: an older event never overwrites a newer one.
    tracking_status: Mapped[str | None] = mapped_column(String(32))
    tracking_updated_at: Mapped[datetime | None]
    tracking_number: Mapped[str | None] = mapped_column(String(64), index=True)
    # Set when the goods arrived damaged or the paperwork was wrong (perfect-order metric).
    damaged: Mapped[bool] = mapped_column(default=False)
    documents_ok: Mapped[bool] = mapped_column(default=True)
    # Replacement or exchange shipments point back at the return that caused them.
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = created_at_column()

    order: Mapped[Order] = relationship(back_populates="shipments")
    lines: Mapped[list["ShipmentLine"]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan"
    )


class ShipmentLine(Base):
    __tablename__ = "shipment_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"), index=True)
    # Exchanges ship a product the order never had, so a line may name its product directly.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int]

    shipment: Mapped[Shipment] = relationship(back_populates="lines")


FACT_COLUMNS = ("first_shipped_at", "ordered_at", "owed", "line_count", "short_lines", "problem",
                "due_date", "cycle_hours", "complete_at", "full_lines")


class OrderShipFacts(Base):
    """One row per order that has shipped (a non-replacement shipment), derived from the
    order, its lines and its shipments by store.facts, in the same transaction as
    every write to those inputs. The digest reads this narrow table
    instead of finding each order's first shipment (README, "Digests and metrics")."""

    __tablename__ = "order_ship_facts"
    __table_args__ = (
        # Every column the digest reads, so a period is one index range read without
        # touching the table (SQLite: 0.08 s instead of 0.73 s for a month at 1M orders).
        Index("ix_order_ship_facts_first_shipped_at", *FACT_COLUMNS),
        # Past due at a period's end: the orders completed after it, covering (0019).
        Index("ix_order_ship_facts_complete_at", "complete_at", "owed", "due_date", "ordered_at"),
        # The shipped orders due in a period, with what on time and in full read (0019).
        Index("ix_order_ship_facts_due_date", "due_date", "owed", "first_shipped_at",
              "complete_at"),
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          primary_key=True, autoincrement=False)
    first_shipped_at: Mapped[datetime]  # earliest shipment with return_id empty
    ordered_at: Mapped[datetime]
    due_date: Mapped[date | None]  # promised_date, else requested_date
    owed: Mapped[bool]  # status neither draft nor canceled (backlog)
    line_count: Mapped[int]
    short_lines: Mapped[int]  # lines with quantity_backordered > 0
    problem: Mapped[bool]  # a non-replacement shipment damaged or badly documented
    cycle_hours: Mapped[float] = mapped_column(Double)  # first_shipped_at - ordered_at
    # When its last unit shipped (non-replacement shipments), null while any is owed or if it
    # has no lines; and how many of its lines have every unit shipped.
    complete_at: Mapped[datetime | None]
    full_lines: Mapped[int] = mapped_column(default=0, server_default="0")


# SQLite's cycle-time percentiles (store.metrics.queries): a period's orders per whole hour
# of cycle time are counted one hour at a time from this index, each count a range of it, so
# nothing is sorted. PostgreSQL has percentile_disc, so only SQLite builds it.
CYCLE_HOUR = cast(OrderShipFacts.cycle_hours, Integer)
Index("ix_order_ship_facts_cycle_hour", CYCLE_HOUR, OrderShipFacts.first_shipped_at,
      OrderShipFacts.cycle_hours).ddl_if(dialect="sqlite")


RECEIVED_COLUMNS = ("ordered_at", "owed", "line_count", "short_lines", "value_minor", "currency",
                    "customer_id")


class OrderReceivedFacts(Base):
    """One row per received order (every status but draft), derived from the order, its
    lines and shipments by store.facts, in the same transaction as every write to
    them. The digest counts a period's orders, lines and value from this narrow table
    instead of reading every order line (README, "Digests and metrics")."""

    __tablename__ = "order_received_facts"
    __table_args__ = (
        # Every column the digest reads, so a period is one index range read.
        Index("ix_order_received_facts_ordered_at", *RECEIVED_COLUMNS),
        # The top customers' orders in the previous period, probed per customer.
        Index("ix_order_received_facts_customer_id_ordered_at", "customer_id", "ordered_at"),
        # The backlog's open orders not shipped yet: a few thousand of a million.
        Index("ix_order_received_facts_awaiting", "ordered_at",
              sqlite_where=text("awaiting_shipment = 1"),
              postgresql_where=text("awaiting_shipment")),
        # The orders due in a period, and the open ones past their due date.
        Index("ix_order_received_facts_due_date", "due_date"),
        Index("ix_order_received_facts_open_due", "due_date",
              sqlite_where=text("is_open = 1"), postgresql_where=text("is_open")),
        # The open orders not complete, for past due (0022): a few per cent of the orders.
        # The flag is a column too so that SQLite reads the index alone (see 0019).
        Index("ix_order_received_facts_awaiting_completion", "due_date", "ordered_at",
              "awaiting_completion", sqlite_where=text("awaiting_completion = 1"),
              postgresql_where=text("awaiting_completion")),
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          primary_key=True, autoincrement=False)
    ordered_at: Mapped[datetime]
    customer_id: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    owed: Mapped[bool]  # status not canceled (backlog)
    line_count: Mapped[int]
    short_lines: Mapped[int]  # lines with quantity_backordered > 0
    value_minor: Mapped[int] = money_column()  # sum of quantity x unit_price_minor
    # Open, and no shipment yet that is not a replacement (the backlog's unshipped part).
    awaiting_shipment: Mapped[bool]
    due_date: Mapped[date | None]  # promised_date, else requested_date
    is_open: Mapped[bool] = mapped_column(default=False, server_default=false())  # status open
    # Open, and not every unit shipped (no ship facts row with complete_at): past due's part
    # that has no completion time, read from the ship facts by store.facts.
    awaiting_completion: Mapped[bool] = mapped_column(default=False, server_default=false())
