"""Human-facing numbers (order refs, RMAs) from the counters table, on both databases, and
the shapes of the refs already stored (whatever an ERP or storefront handed us).

The counter row is bumped with UPDATE ... RETURNING inside the caller's transaction, so two
transactions never get the same number: PostgreSQL holds the row lock until commit, and
SQLite writes are serialised by BEGIN IMMEDIATE. Numbers already taken (an import, a seed, a
hand-made ref) are skipped.
"""

from __future__ import annotations

import threading
import time
import weakref

from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session

from store.models import Counter, Order, Return
from store.models.orders import folded, ref_key_of, ref_prefix_of

ORDER_COUNTER = "order_ref"
RMA_COUNTER = "rma"
ORDER_START = 100_000  # first ref handed out is SO-100001
RMA_START = 1_000
DEFAULT_REF_PREFIX = "SO-"  # ORDERDESK_REF_PREFIX
MAX_PREFIXES = 64  # distinct ref prefixes learned; beyond, the rest are refs like any other

__all__ = [
    "DEFAULT_REF_PREFIX", "folded", "forget_prefixes", "next_ref", "next_rma", "ref_key_of", "ref_keys", "ref_prefix_of",
    "ref_prefixes", "set_counter",
]


def next_ref(session: Session, prefix: str = DEFAULT_REF_PREFIX) -> str:
    """The next free order ref, e.g. 'SO-100001'."""
    return _next(session, ORDER_COUNTER, prefix or DEFAULT_REF_PREFIX, Order.ref, ORDER_START)


def ref_keys(text: str, prefixes: frozenset[str]) -> list[str]:
    """The ref keys a person may mean: 'HX 2001' -> ['hx2001']; a bare number also under each
    prefix in use: '1001' -> ['1001', 'web1001', 'so1001'] (it is a ref only if one matches).
    Typed in full-width or another script's digits ('ＳＯ-１０４２'), also as ASCII: the ref as
    stored in either form is found."""
    keys: list[str] = []
    for key in dict.fromkeys([ref_key_of(text), ref_key_of(folded(text))]):
        if not key:
            continue
        keys.append(key)
        if key.isdigit():
            keys += sorted(p + key for p in prefixes if p)
    return keys


def ref_prefixes(session: Session) -> frozenset[str]:
    """The letter prefixes of the stored refs ('so', 'hx', 'web'; '' for bare numbers), plus
    the default one. Read by a loose scan of the ref_prefix index, one probe per prefix, and
    kept until an order with a new prefix is written in this process (forget_prefixes) or,
    for writes by other processes, PREFIXES_SECONDS."""
    holder = _holder(session.info.get("database") or session.get_bind().engine)
    now = time.monotonic()
    if holder.prefixes is not None and holder.generation == _state.generation \
            and now - holder.read_at < PREFIXES_SECONDS:
        return holder.prefixes
    generation = _state.generation
    found = {ref_key_of(DEFAULT_REF_PREFIX)}
    prefix = session.scalar(_FIRST_PREFIX)
    while prefix is not None and len(found) < MAX_PREFIXES:
        found.add(prefix)
        prefix = session.scalar(_NEXT_PREFIX, {"after": prefix})
    with holder.lock:
        holder.prefixes, holder.generation, holder.read_at = frozenset(found), generation, now
        _state.known.update(found)
    return holder.prefixes


def forget_prefixes() -> None:
    """Orders with refs of a new shape were written (a bulk load): read the prefixes again."""
    with _prefixes_lock:
        _state.generation += 1


@event.listens_for(Order, "after_insert")
def _new_prefix(_mapper, _connection, order: Order) -> None:
    if order.ref_prefix not in _state.known:
        forget_prefixes()


class _Prefixes:
    def __init__(self):
        self.lock = threading.Lock()
        self.prefixes: frozenset[str] | None = None
        self.generation = -1
        self.read_at = 0.0


class _State:
    generation = 0
    known: set[str] = set()


PREFIXES_SECONDS = 60.0
_state = _State()
_prefixes: weakref.WeakKeyDictionary[object, _Prefixes] = weakref.WeakKeyDictionary()
_prefixes_lock = threading.Lock()
_FIRST_PREFIX = select(Order.ref_prefix).order_by(Order.ref_prefix).limit(1)
_NEXT_PREFIX = (select(Order.ref_prefix).where(Order.ref_prefix > bindparam("after"))
                .order_by(Order.ref_prefix).limit(1))


def _holder(owner) -> _Prefixes:
    """Per Database (or engine, for a session made elsewhere)."""
    with _prefixes_lock:
        holder = _prefixes.get(owner)
        if holder is None:
            holder = _prefixes[owner] = _Prefixes()
        return holder


def next_rma(session: Session, prefix: str = "RMA-") -> str:
    """The next free return number, e.g. 'RMA-1001'."""
    return _next(session, RMA_COUNTER, prefix, Return.rma, RMA_START)


def _next(session: Session, name: str, prefix: str, column: InstrumentedAttribute,
          start: int) -> str:
    _ensure_counter(session, name, prefix, column, start)
    while True:
        value = session.execute(
            update(Counter).where(Counter.name == name)
            .values(value=Counter.value + 1).returning(Counter.value)
        ).scalar_one()
        candidate = f"{prefix}{value}"
        if session.execute(select(column).where(column == candidate)).first() is None:
            return candidate


def _ensure_counter(session: Session, name: str, prefix: str, column, start: int) -> None:
    """Create the counter on first use, starting past the highest number already taken."""
    if session.get(Counter, name) is not None:
        return
    begin = max(start, _highest_taken(session, prefix, column))
    dialect = session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(make(Counter).values(name=name, value=begin).on_conflict_do_nothing())


def _highest_taken(session: Session, prefix: str, column) -> int:
    # Longest, then greatest string: the biggest number among refs of the form prefix+digits.
    rows = session.execute(
        select(column).where(column.startswith(prefix, autoescape=True))
        .order_by(func.length(column).desc(), column.desc()).limit(50)
    ).scalars()
    numbers = [int(r[len(prefix):]) for r in rows if r[len(prefix):].isdecimal()]
    return max(numbers, default=0)


def set_counter(session: Session, name: str, value: int) -> None:
    """Move a counter to at least `value` (used after bulk loads that pick numbers themselves)."""
    current = session.get(Counter, name)
    if current is None:
        dialect = session.get_bind().dialect.name
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(make(Counter).values(name=name, value=value).on_conflict_do_nothing())
    elif current.value < value:
        current.value = value
