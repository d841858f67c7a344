"""What a shared order card showed (store.workspace.visibility): posted_cards.sight, so later
redraws show no more than the sharer could see. Existing cards were shared in full.

Revision ID: 0006_posted_card_sight
Revises: 0006_ref_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_posted_card_sight"
down_revision = "0006_ref_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posted_cards") as batch:
        batch.add_column(sa.Column("sight", sa.String(length=16), server_default="full",
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("posted_cards") as batch:
        batch.drop_column("sight")
