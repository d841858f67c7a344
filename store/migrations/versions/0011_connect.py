"""Issue #19: storefront and carrier webhooks. Deliveries kept once per source
(connect_events) and each source's counts (connect_sources); a shipment's carrier status; a
storefront's own ids on orders and customers; the delivery_exception discrepancy type (the type
column is a VARCHAR with a CHECK of the allowed values, so the CHECK is rebuilt).

Revision ID: 0011_connect
Revises: 0008_metrics
"""

import sqlalchemy as sa
from alembic import op

from store.migrations.enum_check import change_enum_values

revision = "0011_connect"
down_revision = "0006_channel_links"
branch_labels = None
depends_on = None

BEFORE = ("price_mismatch", "insufficient_stock", "bad_address", "payment_error", "unknown_sku",
          "duplicate_order", "credit_limit", "late", "other")
AFTER = (*BEFORE[:-1], "delivery_exception", "other")


def upgrade() -> None:
    op.create_table(
        "connect_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("delivery_id", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connect_events")),
        sa.UniqueConstraint("source", "delivery_id",
                            name=op.f("uq_connect_events_source_delivery_id")),
    )
    op.create_table(
        "connect_sources",
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("duplicate", sa.Integer(), nullable=False),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_connect_sources")),
    )
    with op.batch_alter_table("shipments") as table:
        table.add_column(sa.Column("tracking_status", sa.String(length=32), nullable=True))
        table.add_column(sa.Column("tracking_updated_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("orders") as table:
        table.add_column(sa.Column("external_key", sa.String(length=80), nullable=True))
        table.add_column(sa.Column("external_updated_at", sa.DateTime(timezone=True), nullable=True))
        table.create_unique_constraint(op.f("uq_orders_external_key"), ["external_key"])
    with op.batch_alter_table("customers") as table:
        table.add_column(sa.Column("external_key", sa.String(length=80), nullable=True))
        table.create_unique_constraint(op.f("uq_customers_external_key"), ["external_key"])
    change_enum_values("discrepancies", "type", "discrepancy_type", BEFORE, AFTER)


def downgrade() -> None:
    change_enum_values("discrepancies", "type", "discrepancy_type", AFTER, BEFORE)
    with op.batch_alter_table("customers") as table:
        table.drop_constraint(op.f("uq_customers_external_key"), type_="unique")
        table.drop_column("external_key")
    with op.batch_alter_table("orders") as table:
        table.drop_constraint(op.f("uq_orders_external_key"), type_="unique")
        table.drop_column("external_updated_at")
        table.drop_column("external_key")
    with op.batch_alter_table("shipments") as table:
        table.drop_column("tracking_updated_at")
        table.drop_column("tracking_status")
    op.drop_table("connect_sources")
    op.drop_table("connect_events")
