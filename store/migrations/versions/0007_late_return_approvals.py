"""Approvals of a new kind, late_return: a return outside the return window waits for a
manager (store.fulfilment.returns). The kind column is a VARCHAR with a CHECK of the allowed
values (store.models.base.enum_column), so the CHECK is rebuilt with the new value.

Revision ID: 0007_late_return_approvals
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_late_return_approvals"
down_revision = "0005_submissions"
branch_labels = None
depends_on = None

BEFORE = ("refund", "discount", "price_override")
AFTER = (*BEFORE, "late_return")


def _kind(values) -> sa.Enum:
    return sa.Enum(*values, name="approval_kind", native_enum=False, create_constraint=True,
                   length=32)


def upgrade() -> None:
    with op.batch_alter_table("approvals", recreate="auto") as batch:
        batch.alter_column("kind", existing_type=_kind(BEFORE), type_=_kind(AFTER),
                           existing_nullable=False)


def downgrade() -> None:
    op.execute("DELETE FROM approvals WHERE kind = 'late_return'")
    with op.batch_alter_table("approvals", recreate="auto") as batch:
        batch.alter_column("kind", existing_type=_kind(AFTER), type_=_kind(BEFORE),
                           existing_nullable=False)
