"""Modal submissions answered once: the token each modal carries, with the first answer.

Revision ID: 0005_submissions
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_submissions"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_submissions")),
    )


def downgrade() -> None:
    op.drop_table("submissions")
