"""Issue #21: the language of what Orderdesk posts unasked to a route's channel and of a digest
subscription's posts (`lang es`); null: the workspace default (ORDERDESK_DEFAULT_LOCALE).

Revision ID: 0018_post_language
Revises: 0017_unusual_order
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_post_language"
down_revision = "0017_unusual_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("channel_routes", "digest_subscriptions"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    for table in ("channel_routes", "digest_subscriptions"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("language")
