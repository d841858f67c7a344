"""An order line keeps its storefront's own line id (Shopify's line item id): a refund names
the line it refunds by that id, and was matched by SKU instead, so a SKU on two lines of one
order had its refund put on the wrong line. Lines from before stay without one (a refund of
them is matched by SKU where the SKU is on one line only).

Revision ID: 0027_order_line_external_id
Revises: 0026_inbound_message_id
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_order_line_external_id"
down_revision = "0026_inbound_message_id"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("order_lines", sa.Column("external_id", sa.String(80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order_lines") as table:
        table.drop_column("external_id")
