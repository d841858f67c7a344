"""Per-order fulfilment facts for the digest (store/facts/shipped.py), backfilled.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# One INSERT ... SELECT for both databases; only the hours between two instants is spelled
# per database. Same rows as store.facts.shipped.facts_select.
BACKFILL = """
INSERT INTO order_ship_facts (order_id, first_shipped_at, ordered_at, due_date, owed,
                              line_count, short_lines, problem, cycle_hours)
SELECT f.order_id, f.first_shipped_at, f.ordered_at, f.due_date, f.owed, f.line_count,
       f.short_lines, f.problem, {hours} AS cycle_hours
FROM (SELECT o.id AS order_id,
             (SELECT min(s.shipped_at) FROM shipments s
              WHERE s.order_id = o.id AND s.return_id IS NULL) AS first_shipped_at,
             o.ordered_at AS ordered_at,
             coalesce(o.promised_date, o.requested_date) AS due_date,
             o.status NOT IN ('draft', 'canceled') AS owed,
             (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS line_count,
             (SELECT count(*) FROM order_lines l
              WHERE l.order_id = o.id AND l.quantity_backordered > 0) AS short_lines,
             EXISTS (SELECT 1 FROM shipments y WHERE y.order_id = o.id AND y.return_id IS NULL
                     AND (y.damaged = true OR y.documents_ok = false)) AS problem
      FROM orders o
      WHERE EXISTS (SELECT 1 FROM shipments e
                    WHERE e.order_id = o.id AND e.return_id IS NULL)) AS f
"""
HOURS = {
    "sqlite": "(julianday(f.first_shipped_at) - julianday(f.ordered_at)) * 24.0",
    "postgresql": "extract(epoch FROM f.first_shipped_at - f.ordered_at) / 3600.0",
}


def upgrade() -> None:
    op.create_table(
        "order_ship_facts",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("first_shipped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("owed", sa.Boolean(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("short_lines", sa.Integer(), nullable=False),
        sa.Column("problem", sa.Boolean(), nullable=False),
        sa.Column("cycle_hours", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE",
                                name=op.f("fk_order_ship_facts_order_id_orders")),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_ship_facts")),
    )
    # Covering: every column the digest reads (store/models/orders.py).
    op.create_index("ix_order_ship_facts_first_shipped_at", "order_ship_facts",
                    ["first_shipped_at", "ordered_at", "owed", "line_count", "short_lines",
                     "problem", "due_date", "cycle_hours"])
    dialect = op.get_bind().dialect.name
    op.execute(BACKFILL.format(hours=HOURS.get(dialect, HOURS["postgresql"])))


def downgrade() -> None:
    op.drop_index("ix_order_ship_facts_first_shipped_at", table_name="order_ship_facts")
    op.drop_table("order_ship_facts")
