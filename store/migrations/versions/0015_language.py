"""Issue #21: the language each person chose with `/orders language` (user_languages).

Revision ID: 0015_language
Revises: 0014_mail
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_language"
down_revision = "0014_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_languages",
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slack_user_id", name=op.f("pk_user_languages")),
    )


def downgrade() -> None:
    op.drop_table("user_languages")
