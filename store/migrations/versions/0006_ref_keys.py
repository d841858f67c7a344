"""Order refs of any shape: the normalised ref (ref_key) and its leading letters (ref_prefix),
indexed and backfilled (store/models/orders.py: ref_key_of, ref_prefix_of).

Revision ID: 0006_ref_keys
Revises: 0008_metrics
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0006_ref_keys"
down_revision = "0008_metrics"
branch_labels = None
depends_on = None

CHUNK = 10_000
# A copy of store.models.orders.ref_key_of as it was when this ran: a migration must not
# change meaning when the code moves on.
_PADDING = re.compile(r"(?<![0-9])0+(?=[0-9])")


def _key(ref: str) -> str:
    return _PADDING.sub("", "".join(c for c in (ref or "").casefold() if c.isalnum()))


def _prefix(key: str) -> str:
    for i, char in enumerate(key):
        if char.isdigit():
            return key[:i]
    return key


def upgrade() -> None:
    op.add_column("orders", sa.Column("ref_key", sa.String(length=64), nullable=True))
    op.add_column("orders", sa.Column("ref_prefix", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("ref", sa.String),
                      sa.column("ref_key", sa.String), sa.column("ref_prefix", sa.String))
    update = (sa.update(orders).where(orders.c.id == sa.bindparam("oid"))
              .values(ref_key=sa.bindparam("key"), ref_prefix=sa.bindparam("prefix")))
    after = 0
    while True:
        rows = conn.execute(sa.select(orders.c.id, orders.c.ref).where(orders.c.id > after)
                            .order_by(orders.c.id).limit(CHUNK)).all()
        if not rows:
            break
        params = []
        for oid, ref in rows:
            key = _key(ref)
            params.append({"oid": oid, "key": key, "prefix": _prefix(key)})
        conn.execute(update, params)
        after = rows[-1][0]
    with op.batch_alter_table("orders") as batch:
        batch.alter_column("ref_key", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("ref_prefix", existing_type=sa.String(length=64), nullable=False)
    op.create_index("ix_orders_ref_key", "orders", ["ref_key"])
    op.create_index("ix_orders_ref_prefix", "orders", ["ref_prefix"])


def downgrade() -> None:
    op.drop_index("ix_orders_ref_prefix", table_name="orders")
    op.drop_index("ix_orders_ref_key", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("ref_prefix")
        batch.drop_column("ref_key")
