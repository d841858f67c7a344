"""The orders a message names: every token shaped like a ref in a known prefix ('SO-1042',
'hx 2001', '#1001'), each found exactly as the lookup finds refs (no guessing: a typo names
nothing). Autolink answers with them (handlers/autolink.py)."""

from __future__ import annotations

from store.db import Database
from store.errors import AmbiguousRef, OrderNotFound
from store.lookup import MAX_QUERY_CHARS, ref_tokens
from store.records import read_order_view
from store.refs import ref_prefixes
from store.views.orders import OrderView

MAX_TOKENS = 20  # a pasted log names no more orders than this is worth looking up


def orders_named_in(db: Database, *, text: str) -> tuple[OrderView, ...]:
    """The known orders `text` names, in the order it names them, once each."""
    found: dict[int, OrderView] = {}
    with db.read() as session:
        for token in ref_tokens(text[:MAX_QUERY_CHARS], ref_prefixes(session))[:MAX_TOKENS]:
            try:
                view = read_order_view(session, token)
            except (OrderNotFound, AmbiguousRef):
                continue
            found.setdefault(view.id, view)
    return tuple(found.values())
