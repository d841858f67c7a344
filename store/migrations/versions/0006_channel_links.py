"""Slack Connect channels linked to a customer account (`/orders connect`): channel_links.

Revision ID: 0006_channel_links
Revises: 0006_posted_card_sight
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_channel_links"
down_revision = "0006_posted_card_sight"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_links",
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.String(length=32), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_channel_links_customer_id_customers")),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_links")),
    )
    op.create_index("ix_channel_links_customer_id", "channel_links", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_channel_links_customer_id", table_name="channel_links")
    op.drop_table("channel_links")
