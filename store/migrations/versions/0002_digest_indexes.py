"""Indexes for the digest metrics (store/metrics/queries.py), measured in bench/digest_bench.py.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_orders_status_ordered_at", "orders", ["status", "ordered_at"])
    op.create_index("ix_orders_ordered_at_status_customer_id", "orders",
                    ["ordered_at", "status", "customer_id"])
    op.create_index("ix_order_lines_backordered", "order_lines", ["order_id"],
                    sqlite_where=sa.text("quantity_backordered > 0"),
                    postgresql_where=sa.text("quantity_backordered > 0"))
    op.create_index("ix_shipments_order_id_shipped_at", "shipments",
                    ["order_id", "shipped_at", "return_id"])
    op.create_index("ix_shipments_shipped_at_return_id_order_id", "shipments",
                    ["shipped_at", "return_id", "order_id"])
    op.create_index("ix_shipments_problems", "shipments", ["order_id"],
                    sqlite_where=sa.text("damaged = 1 OR documents_ok = 0"),
                    postgresql_where=sa.text("damaged OR NOT documents_ok"))


def downgrade() -> None:
    for table, name in (("shipments", "ix_shipments_problems"),
                        ("shipments", "ix_shipments_shipped_at_return_id_order_id"),
                        ("shipments", "ix_shipments_order_id_shipped_at"),
                        ("order_lines", "ix_order_lines_backordered"),
                        ("orders", "ix_orders_ordered_at_status_customer_id"),
                        ("orders", "ix_orders_status_ordered_at")):
        op.drop_index(name, table_name=table)
