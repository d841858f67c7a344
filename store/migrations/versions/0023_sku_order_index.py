"""Issue #23: the order lines' SKU index carries the order, so a SKU's orders are read from
the index alone: how many orders have a popular SKU (26k at 1M orders) took PostgreSQL
73-135 ms of probes into the orders' primary key, 3-4 ms as an index-only count, and the
newest of them no longer depend on PostgreSQL choosing a backward scan of every line.

Revision ID: 0023_sku_order_index
Revises: 0022_awaiting_completion
"""

from alembic import op

revision = "0023_sku_order_index"
down_revision = "0022_awaiting_completion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_order_lines_sku_order_id", "order_lines", ["sku", "order_id"])
    op.drop_index("ix_order_lines_sku", table_name="order_lines")


def downgrade() -> None:
    op.create_index("ix_order_lines_sku", "order_lines", ["sku"])
    op.drop_index("ix_order_lines_sku_order_id", table_name="order_lines")
