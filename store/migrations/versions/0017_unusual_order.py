"""Issue #19: the unusual_order discrepancy type (the type column's CHECK is rebuilt), so the
unusual-order check's findings can be routed on their own; those already open as `other`
(fingerprint "other:unusual:…") take the new type and its fingerprint prefix.

Revision ID: 0017_unusual_order
Revises: 0016_customer_language
"""

import sqlalchemy as sa
from alembic import op

from store.migrations.enum_check import change_enum_values

revision = "0017_unusual_order"
down_revision = "0016_customer_language"
branch_labels = None
depends_on = None

BEFORE = ("price_mismatch", "insufficient_stock", "bad_address", "payment_error", "unknown_sku",
          "duplicate_order", "credit_limit", "late", "delivery_exception", "bad_contact", "other")
AFTER = (*BEFORE[:-1], "unusual_order", "other")


def _retype(source: str, target: str) -> None:
    """Findings of the unusual-order check from one type (and fingerprint prefix) to the other."""
    table = sa.table("discrepancies", sa.column("type"), sa.column("fingerprint"))
    old, new = f"{source}:unusual:", f"{target}:"
    op.execute(table.update()
               .where(table.c.type == source, table.c.fingerprint.startswith(old))
               .values(type=target, fingerprint=sa.func.substr(
                   sa.literal(new) + sa.func.substr(table.c.fingerprint, len(source) + 2),
                   1, 200)))


def upgrade() -> None:
    change_enum_values("discrepancies", "type", "discrepancy_type", BEFORE, AFTER)
    _retype("other", "unusual_order")


def downgrade() -> None:
    _retype("unusual_order", "other")
    change_enum_values("discrepancies", "type", "discrepancy_type", AFTER, BEFORE)
