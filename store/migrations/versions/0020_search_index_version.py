"""The fuzzy index sees renames made by any process: a count of changes to customer and product
names, kept by triggers (store.migrations.search_index).

Revision ID: 0020_search_index_version
Revises: 0019_digest_speed
"""

import sqlalchemy as sa
from alembic import op

from store.migrations.search_index import create_statements, drop_statements

revision = "0020_search_index_version"
down_revision = "0019_digest_speed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_index_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_index_version")),
    )
    for statement in create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table("search_index_version")
