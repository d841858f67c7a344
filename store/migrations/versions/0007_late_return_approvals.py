"""Approvals of a new kind, late_return: a return outside the return window waits for a
manager (store.fulfilment.returns). The kind column is a VARCHAR with a CHECK of the allowed
values (store.models.base.enum_column), so the CHECK is rebuilt with the new value.

Revision ID: 0007_late_return_approvals
Revises: 0004
"""

from store.migrations.enum_check import change_enum_values

revision = "0007_late_return_approvals"
down_revision = "0005_submissions"
branch_labels = None
depends_on = None

BEFORE = ("refund", "discount", "price_override")
AFTER = (*BEFORE, "late_return")


def upgrade() -> None:
    change_enum_values("approvals", "kind", "approval_kind", BEFORE, AFTER)


def downgrade() -> None:
    change_enum_values("approvals", "kind", "approval_kind", AFTER, BEFORE)
