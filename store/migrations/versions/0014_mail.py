"""Issue #20: customer email. Outgoing mails (delivered over SMTP by jobs/mail.py) and inbound
mails (replies and bounces posted to /connect/mail); a customer's bad_email flag and automatic
notice opt-ins; the bad_contact discrepancy type (the type column's CHECK is rebuilt).

Revision ID: 0014_mail
Revises: 0012_autolink
"""

import sqlalchemy as sa
from alembic import op

from store.migrations.enum_check import change_enum_values

revision = "0014_mail"
down_revision = "0012_autolink"
branch_labels = None
depends_on = None

BEFORE = ("price_mismatch", "insufficient_stock", "bad_address", "payment_error", "unknown_sku",
          "duplicate_order", "credit_limit", "late", "delivery_exception", "other")
AFTER = (*BEFORE[:-1], "bad_contact", "other")
NOTICES = ("bad_email", "notice_shipped", "notice_delayed", "notice_backordered")


def upgrade() -> None:
    op.create_table(
        "outgoing_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("discrepancy_id", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(length=32), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=80), nullable=True),
        sa.Column("status", sa.Enum("pending", "sent", "dead", name="mail_status",
                                    native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_outgoing_mails_order_id_orders")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_outgoing_mails_customer_id_customers")),
        sa.ForeignKeyConstraint(["discrepancy_id"], ["discrepancies.id"],
                                name=op.f("fk_outgoing_mails_discrepancy_id_discrepancies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mails")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outgoing_mails_message_id")),
        sa.UniqueConstraint("token", name=op.f("uq_outgoing_mails_token")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outgoing_mails_dedupe_key")),
    )
    op.create_index(op.f("ix_outgoing_mails_order_id"), "outgoing_mails", ["order_id"])
    op.create_index(op.f("ix_outgoing_mails_status"), "outgoing_mails", ["status"])
    op.create_table(
        "inbound_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("reply_to_mail_id", sa.Integer(), nullable=True),
        sa.Column("matched_by", sa.String(length=16), nullable=True),
        sa.Column("from_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("bounce", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_inbound_mails_order_id_orders")),
        sa.ForeignKeyConstraint(["reply_to_mail_id"], ["outgoing_mails.id"],
                                name=op.f("fk_inbound_mails_reply_to_mail_id_outgoing_mails")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_mails")),
    )
    op.create_index(op.f("ix_inbound_mails_order_id"), "inbound_mails", ["order_id"])
    with op.batch_alter_table("customers") as table:
        for name in NOTICES:
            table.add_column(sa.Column(name, sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    change_enum_values("discrepancies", "type", "discrepancy_type", BEFORE, AFTER)


def downgrade() -> None:
    change_enum_values("discrepancies", "type", "discrepancy_type", AFTER, BEFORE)
    with op.batch_alter_table("customers") as table:
        for name in NOTICES:
            table.drop_column(name)
    op.drop_index(op.f("ix_inbound_mails_order_id"), table_name="inbound_mails")
    op.drop_table("inbound_mails")
    op.drop_index(op.f("ix_outgoing_mails_status"), table_name="outgoing_mails")
    op.drop_index(op.f("ix_outgoing_mails_order_id"), table_name="outgoing_mails")
    op.drop_table("outgoing_mails")
