"""An inbound mail keeps its Message-ID, unique: a mail service that posts the same mail again
(its retry after a timeout) finds it kept, and the reply is posted once, not twice.

Revision ID: 0026_inbound_message_id
Revises: 0025_digest_run_error
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_inbound_message_id"
down_revision = "0025_digest_run_error"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_mails") as table:
        table.add_column(sa.Column("message_id", sa.String(200), nullable=True))
        table.create_unique_constraint("uq_inbound_mails_message_id", ["message_id"])


def downgrade() -> None:
    with op.batch_alter_table("inbound_mails") as table:
        table.drop_constraint("uq_inbound_mails_message_id", type_="unique")
        table.drop_column("message_id")
