"""Per-order received facts for the digest (store/facts/received.py), backfilled, and an
index for SQLite's cycle-time percentiles.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# One INSERT ... SELECT, the same on both databases; same rows as
# store.facts.received.received_facts_select (tests/store/test_order_facts.py checks it).
BACKFILL = """
INSERT INTO order_received_facts (order_id, ordered_at, customer_id, currency, owed,
                                  line_count, short_lines, value_minor, awaiting_shipment)
SELECT o.id, o.ordered_at, o.customer_id, o.currency, o.status <> 'canceled',
       count(l.id),
       coalesce(sum(CASE WHEN l.quantity_backordered > 0 THEN 1 ELSE 0 END), 0),
       coalesce(sum(l.quantity * l.unit_price_minor), 0),
       o.status = 'open' AND NOT EXISTS (SELECT 1 FROM shipments s
                                         WHERE s.order_id = o.id AND s.return_id IS NULL)
FROM orders o LEFT OUTER JOIN order_lines l ON l.order_id = o.id
WHERE o.status <> 'draft'
GROUP BY o.id
"""


def upgrade() -> None:
    # PostgreSQL checks a foreign key row by row on insert (1.3 s per 100,000 rows); adding it
    # after the backfill checks them all in one join (0.1 s). SQLite's checks cost little and
    # it cannot add a constraint to a table without copying it, so it gets the key up front.
    sqlite = op.get_bind().dialect.name == "sqlite"
    key = sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE",
                                  name=op.f("fk_order_received_facts_order_id_orders"))
    op.create_table(
        "order_received_facts",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("owed", sa.Boolean(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("short_lines", sa.Integer(), nullable=False),
        sa.Column("value_minor", sa.BigInteger(), nullable=False),
        sa.Column("awaiting_shipment", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_received_facts")),
        *([key] if sqlite else []),
    )
    op.execute(BACKFILL)
    if not sqlite:
        op.create_foreign_key(key.name, "order_received_facts", "orders", ["order_id"], ["id"],
                              ondelete="CASCADE")
    # Built after the backfill: one sort each instead of a million index inserts.
    op.create_index("ix_order_received_facts_ordered_at", "order_received_facts",
                    ["ordered_at", "owed", "line_count", "short_lines", "value_minor",
                     "currency", "customer_id"])
    op.create_index("ix_order_received_facts_customer_id_ordered_at", "order_received_facts",
                    ["customer_id", "ordered_at"])
    op.create_index("ix_order_received_facts_awaiting", "order_received_facts", ["ordered_at"],
                    sqlite_where=sa.text("awaiting_shipment = 1"),
                    postgresql_where=sa.text("awaiting_shipment"))
    # SQLite's cycle-time percentiles read one hour's values in order (store/metrics/queries.py).
    op.create_index("ix_order_ship_facts_cycle_hours", "order_ship_facts",
                    ["cycle_hours", "first_shipped_at"])


def downgrade() -> None:
    op.drop_index("ix_order_ship_facts_cycle_hours", table_name="order_ship_facts")
    op.drop_index("ix_order_received_facts_awaiting", table_name="order_received_facts")
    op.drop_index("ix_order_received_facts_customer_id_ordered_at",
                  table_name="order_received_facts")
    op.drop_index("ix_order_received_facts_ordered_at", table_name="order_received_facts")
    op.drop_table("order_received_facts")
