"""Issue #20: the language a customer's mail is written in (null: the workspace default).

Revision ID: 0016_customer_language
Revises: 0015_language
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_customer_language"
down_revision = "0015_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("language")
