"""Issue #23: two partial indexes for the import's credit check, whose per-batch reads walked
every order of the batch's customers. The unpaid orders (a few percent of the table) for the
customers' unpaid totals, and the open credit items for rechecking the other orders' items.
The PO index carries the customer: POs are shared between customers, and the first use of a
PO by the same customer read every order with that PO.

Revision ID: 0021_import_indexes
Revises: 0020_search_index_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_import_indexes"
down_revision = "0020_search_index_version"
branch_labels = None
depends_on = None

_OWING = sa.text("(status || '') IN ('open', 'completed') "
                 "AND payment_status IN ('awaiting', 'authorized', 'failed')")
_OPEN_CREDIT = sa.text("type = 'credit_limit' AND status != 'resolved'")


def upgrade() -> None:
    op.drop_index("ix_orders_po_number", table_name="orders")
    op.create_index("ix_orders_po_number_customer_id", "orders", ["po_number", "customer_id"])
    op.create_index("ix_orders_owing", "orders", ["customer_id"], sqlite_where=_OWING,
                    postgresql_where=_OWING)
    op.create_index("ix_discrepancies_open_credit", "discrepancies", ["order_id"],
                    sqlite_where=_OPEN_CREDIT, postgresql_where=_OPEN_CREDIT)


def downgrade() -> None:
    op.drop_index("ix_discrepancies_open_credit", table_name="discrepancies")
    op.drop_index("ix_orders_owing", table_name="orders")
    op.drop_index("ix_orders_po_number_customer_id", table_name="orders")
    op.create_index("ix_orders_po_number", "orders", ["po_number"])
