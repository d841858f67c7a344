"""Order operations: open one, edit it (one transaction, version-checked, logged), and
remember where its cards were posted."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from store import clock
from store.db import Database
from store.errors import StaleEdit, ValidationFailed
from store.fulfilment import refresh_pick, tell_warehouse_ship_to
from store.models import Event, Order, PostedCard
from store.money import format_money, parse_money
from store.orders.edit import UNSET, EditResult, OrderEdit, apply_edit
from store.orders.lines import LineEdit
from store.questions import notify_edit
from store.records import load_order, order_view, read_order_view
from store.states import TRANSITIONS, allowed_transitions
from store.triage import check_orders
from store.views.orders import FieldChange, OrderView

EDITED = "edited"
STALE_DETAIL_LIMIT = 10

__all__ = [
    "EDITED", "TRANSITIONS", "UNSET", "EditResult", "LineEdit", "OrderEdit", "allowed_transitions",
    "edit_order", "format_money", "get_order", "parse_money", "record_posted_card",
]


def get_order(db: Database, *, ref: str) -> OrderView:
    """'SO-1042', 'so-1042', 'so 1042' or '1042'. Raises OrderNotFound."""
    with db.read() as session:
        return read_order_view(session, ref)


def edit_order(db: Database, *, ref: str, actor: str, expected_version: int,
               changes: OrderEdit, today: date | None = None) -> EditResult:
    """Apply `changes` if nobody saved the order since `expected_version`.

    Raises StaleEdit (nothing written) when the version moved, ValidationFailed (nothing
    written) with errors keyed by modal block id. Writes one Event listing every changed
    field; writes nothing at all when nothing changed.
    """
    today = today or clock.today()
    try:
        with db.write() as session:
            # FOR UPDATE on PostgreSQL: a concurrent editor waits here, then sees the new version.
            order = load_order(session, ref, for_update=True)
            if order.version_id != int(expected_version):
                raise StaleEdit(f"Order {order.ref}",
                                changes_since(session, order, int(expected_version)))
            errors: dict[str, str] = {}
            with session.no_autoflush:  # one UPDATE at the end: one edit, one version step
                changed = apply_edit(session, order, changes, actor=actor, today=today,
                                     errors=errors)
            if errors:
                raise ValidationFailed(errors)
            if changed:
                event = _log_edit(session, order, actor, changed)
                notify_edit(session, order, changed)  # threads following the order hear of it
                # Same transaction: new findings open, fixed ones resolve, with the edit.
                # Lines added or given another SKU or price are priced afresh; a quantity
                # changes nothing the customer agreed to pay per unit.
                check_orders(session, [order.id], actor=actor, recheck=True, lines_changed={
                    order.id: {c.line_no for c in changed
                               if c.line_no is not None and c.name != "quantity"}})
                tell_warehouse(session, order, changed, actor=actor, event_id=event.id)
            view = order_view(session, order)
            cards = _posted_cards(session, order.id)
    except StaleDataError:
        # Belt and braces: the UPDATE's version check lost a race the lock didn't cover.
        with db.read() as session:
            order = load_order(session, ref)
            raise StaleEdit(f"Order {order.ref}",
                            changes_since(session, order, int(expected_version))) from None
    return EditResult(order=view, changed_fields=tuple(changed), posted_cards=cards)


def tell_warehouse(session: Session, order: Order, changed: list[FieldChange], *, actor: str,
                   event_id: int) -> None:
    """After an edit (or an applied fix): the warehouse picks from its request, which shows
    the lines, holds and status as they are now (an edit after it went out left it picking
    the old lines), and a new ship-to is said in its thread (a label may be printed)."""
    refresh_pick(session, order)
    if any(c.field.startswith("ship-to") for c in changed):
        tell_warehouse_ship_to(session, order, actor=actor, event_id=event_id)


def _log_edit(session: Session, order: Order, actor: str, changed: list[FieldChange]) -> Event:
    order.updated_at = clock.now()  # always touch the row, so line-only edits bump the version too
    session.flush()
    event = Event(
        actor_id=actor, kind=EDITED, order_id=order.id, at=clock.now(),
        summary=edit_summary(changed),
        changes=[{**c.record(), "version": order.version_id} for c in changed],
    )
    session.add(event)
    session.flush()
    return event


def edit_summary(changed: list[FieldChange]) -> str:
    if len(changed) == 1:
        c = changed[0]
        return f"changed {c.field}: {c.before or '—'} → {c.after or '—'}"[:300]
    fields = list(dict.fromkeys(c.field for c in changed))
    shown = ", ".join(fields[:6])
    more = f" and {len(fields) - 6} more" if len(fields) > 6 else ""
    return f"edited {shown}{more}"


def changes_since(session: Session, order: Order, expected_version: int) -> list[str]:
    """What happened to the order after `expected_version`, oldest first, from the events log.

    Our edits record the version they produced; events written by other operations don't,
    so those count one version each (an approximation that only shapes the message)."""
    gap = order.version_id - expected_version
    events = session.scalars(
        select(Event).where(Event.order_id == order.id).order_by(Event.id.desc()).limit(50)
    )
    items: list[str] = []
    for event in events:
        if gap <= 0:
            break
        entries = [c for c in (event.changes or []) if isinstance(c, dict)]
        versions = [c["version"] for c in entries if isinstance(c.get("version"), int)]
        if versions and max(versions) <= expected_version:
            break
        if versions:
            items[:0] = [f"{c.get('field')}: {c.get('before') or '—'} → {c.get('after') or '—'}"
                         for c in entries]
        else:
            items.insert(0, event.summary)
        gap -= 1
    if len(items) > STALE_DETAIL_LIMIT:
        items = items[-STALE_DETAIL_LIMIT:] + [f"and {len(items) - STALE_DETAIL_LIMIT} earlier"]
    return items


def _posted_cards(session: Session, order_id: int) -> tuple[tuple[str, str, str], ...]:
    """(channel, ts, sight) of each shared card: redrawn as its sharer could see it."""
    rows = session.execute(
        select(PostedCard.channel_id, PostedCard.message_ts, PostedCard.sight)
        .where(PostedCard.order_id == order_id).order_by(PostedCard.id)
    )
    return tuple((channel, ts, sight) for channel, ts, sight in rows)


def record_posted_card(db: Database, *, ref: str, channel_id: str, message_ts: str,
                       sight: str = "full") -> None:
    """Remember a posted order card so later edits can update it, as far as its `sight`
    (store.workspace.visibility) showed it. Idempotent."""
    with db.write() as session:
        order = load_order(session, ref)
        insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(PostedCard)
            .values(order_id=order.id, channel_id=channel_id, message_ts=message_ts,
                    posted_at=clock.now(), sight=sight)
            .on_conflict_do_nothing(index_elements=["channel_id", "message_ts"])
        )
