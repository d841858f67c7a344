"""Issue #23: covering indexes for two of the digest's figures on the ship facts. The orders due
in a period that have shipped: one range read by due date, instead of the received facts' due
dates each probing the ship facts by key (SQLite 100k: the two periods' "due" 0.10 s of the
digest's 0.25 s of statements). The orders past due because completed after a moment: the
completion index carries what that count reads, so it is a range read of the recent completions
instead of every order received before the moment.

Revision ID: 0019_digest_speed
Revises: 0018_post_language
"""

from alembic import op

revision = "0019_digest_speed"
down_revision = "0018_post_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # owed is a column, not a partial index's condition: SQLite reads a column used only in
    # the condition from the table, so the index would not cover the read.
    op.create_index("ix_order_ship_facts_due_date", "order_ship_facts",
                    ["due_date", "owed", "first_shipped_at", "complete_at"])
    op.drop_index("ix_order_ship_facts_complete_at", table_name="order_ship_facts")
    op.create_index("ix_order_ship_facts_complete_at", "order_ship_facts",
                    ["complete_at", "owed", "due_date", "ordered_at"])


def downgrade() -> None:
    op.drop_index("ix_order_ship_facts_complete_at", table_name="order_ship_facts")
    op.create_index("ix_order_ship_facts_complete_at", "order_ship_facts", ["complete_at"])
    op.drop_index("ix_order_ship_facts_due_date", table_name="order_ship_facts")
