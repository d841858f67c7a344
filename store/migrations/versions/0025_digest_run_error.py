"""A digest run that failed keeps why (Slack's error: not_in_channel, channel_not_found…), so
the admin's Home can say a digest is failing, and why, instead of only "last posted —".

Revision ID: 0025_digest_run_error
Revises: 0024_cycle_hour_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_digest_run_error"
down_revision = "0024_cycle_hour_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_runs") as table:
        table.add_column(sa.Column("error", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_runs") as table:
        table.drop_column("error")
