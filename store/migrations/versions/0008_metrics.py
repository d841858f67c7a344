"""Issue #17's numbers. Completion and due dates in the digest's facts (OTIF, past due, fill
by units shipped): order_ship_facts gets when the order's last unit shipped and how many lines
are shipped in full; order_received_facts its due date and whether it is open; backfilled.
Digest subscriptions say which report they post (the digest or the processor scorecard).

Revision ID: 0008_metrics
Revises: 0007_late_return_approvals
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_metrics"
down_revision = "0007_late_return_approvals"
branch_labels = None
depends_on = None

SHIP_COLUMNS = ["first_shipped_at", "ordered_at", "owed", "line_count", "short_lines", "problem",
                "due_date", "cycle_hours"]
# The same values as store.facts.received / store.facts.shipped compute (tests/store/facts
# check it). A line is done at the earliest own shipment by whose time (ties included) its
# shipped units reach its quantity; replacement shipments never count.
DONE_AT = """(SELECT min(ca.shipped_at) FROM shipments ca
  WHERE ca.order_id = cl.order_id AND ca.return_id IS NULL
    AND (SELECT coalesce(sum(ci.quantity), 0) FROM shipment_lines ci
         JOIN shipments cu ON cu.id = ci.shipment_id
         WHERE ci.order_line_id = cl.id AND cu.return_id IS NULL
           AND cu.shipped_at <= ca.shipped_at) >= cl.quantity)"""
BACKFILL = (
    """UPDATE order_received_facts SET
  due_date = (SELECT coalesce(o.promised_date, o.requested_date) FROM orders o
              WHERE o.id = order_received_facts.order_id),
  is_open = (SELECT o.status = 'open' FROM orders o WHERE o.id = order_received_facts.order_id)""",
    f"""UPDATE order_ship_facts SET full_lines = (
  SELECT count(*) FROM order_lines cl
  WHERE cl.order_id = order_ship_facts.order_id AND {DONE_AT} IS NOT NULL)""",
    f"""UPDATE order_ship_facts SET complete_at = (
  SELECT max({DONE_AT}) FROM order_lines cl WHERE cl.order_id = order_ship_facts.order_id)
WHERE line_count > 0 AND full_lines = line_count""",
)


def upgrade() -> None:
    with op.batch_alter_table("digest_subscriptions") as table:
        table.add_column(sa.Column("report", sa.String(length=16), nullable=False,
                                   server_default="digest"))
    with op.batch_alter_table("order_received_facts") as table:
        table.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        table.add_column(sa.Column("is_open", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("order_ship_facts") as table:
        table.add_column(sa.Column("complete_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("full_lines", sa.Integer(), nullable=False,
                                   server_default="0"))
    for statement in BACKFILL:
        op.execute(statement)
    op.create_index("ix_order_received_facts_due_date", "order_received_facts", ["due_date"])
    op.create_index("ix_order_received_facts_open_due", "order_received_facts", ["due_date"],
                    sqlite_where=sa.text("is_open = 1"), postgresql_where=sa.text("is_open"))
    op.create_index("ix_order_ship_facts_complete_at", "order_ship_facts", ["complete_at"])
    # The shipped figures read the new columns too: keep the period's index covering.
    op.drop_index("ix_order_ship_facts_first_shipped_at", table_name="order_ship_facts")
    op.create_index("ix_order_ship_facts_first_shipped_at", "order_ship_facts",
                    [*SHIP_COLUMNS, "complete_at", "full_lines"])


def downgrade() -> None:
    op.drop_index("ix_order_ship_facts_first_shipped_at", table_name="order_ship_facts")
    op.create_index("ix_order_ship_facts_first_shipped_at", "order_ship_facts", SHIP_COLUMNS)
    op.drop_index("ix_order_ship_facts_complete_at", table_name="order_ship_facts")
    op.drop_index("ix_order_received_facts_open_due", table_name="order_received_facts")
    op.drop_index("ix_order_received_facts_due_date", table_name="order_received_facts")
    with op.batch_alter_table("order_ship_facts") as table:
        table.drop_column("full_lines")
        table.drop_column("complete_at")
    with op.batch_alter_table("order_received_facts") as table:
        table.drop_column("is_open")
        table.drop_column("due_date")
    with op.batch_alter_table("digest_subscriptions") as table:
        table.drop_column("report")
