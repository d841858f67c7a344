"""Issue #18: channels opted in to autolink (`/orders autolink <#channel> on|off`):
autolink_channels.

Revision ID: 0012_autolink
Revises: 0011_connect
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_autolink"
down_revision = "0011_connect"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "autolink_channels",
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("enabled_by", sa.String(length=32), nullable=True),
        sa.Column("enabled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_autolink_channels")),
    )


def downgrade() -> None:
    op.drop_table("autolink_channels")
