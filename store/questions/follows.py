"""Threads that follow an order, and telling them when it changes.

A follow is (order, channel, thread): later changes to the order post into that thread.
Changes announce themselves with notify_followers() INSIDE their own write transaction, so
the posts are queued in the outbox with the change or not at all (store.outbox delivers them
later, with retries; a dedupe key per change and thread means a replay never posts twice).

A notice is written for the person who made the thread follow the order, by the rules of a
thread answer (ORDERDESK_REP_VISIBILITY, store.questions.facts.Viewer): the desk and the
account's own rep hear the details; another rep, under policy `status`, hears the notice's
status-only words (no prices, lines, addresses, notes, tracking numbers or problem titles).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store import clock, outbox
from store.db import Database
from store.enums import DiscrepancyType, Role
from store.models import Customer, Follow, Order
from store.questions.facts import Viewer
from store.records import load_order, ref_candidates
from store.views.orders import FieldChange
from store.views.questions import STATUS
from store.workspace import roles_in

# Fields whose new value is status, not commerce: named in every following thread.
_SHOWN_VALUES = ("status", "requested date")
_VALUE_LEN = 80  # a changed value quoted in a notice (notes can be long)
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_AUDIENCE = "follows.audience"


@dataclass(frozen=True)
class Audience:
    """What the settings say about who may read what (bot.config: ORDERDESK_REP_VISIBILITY,
    ORDERDESK_ADMINS, ORDERDESK_DEFAULT_ROLE). The default is the cautious one."""

    policy: str = STATUS
    admins: frozenset[str] = frozenset()
    default_role: Role = Role.SALES


def set_audience(db: Database, audience: Audience) -> None:
    """Once per process, from the settings (bot.app.create_app, bot.cli): every notice queued
    through `db` then applies them."""
    db.info[_AUDIENCE] = audience


@dataclass(frozen=True)
class FollowView:
    ref: str
    channel_id: str
    thread_ts: str
    created: bool  # False: the thread already followed it


def follow(db: Database, *, ref: str, channel_id: str, thread_ts: str,
           user_id: str) -> FollowView:
    """Make the thread follow the order. Idempotent. Raises OrderNotFound."""
    with db.write() as session:
        order = load_order(session, ref)
        insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
        new_id = session.execute(
            insert(Follow)
            .values(order_id=order.id, channel_id=channel_id, thread_ts=thread_ts,
                    user_id=user_id, created_at=clock.now())
            .on_conflict_do_nothing(index_elements=["order_id", "channel_id", "thread_ts"])
            .returning(Follow.id)  # RETURNING, not rowcount (DESIGN.md)
        ).scalar_one_or_none()
        return FollowView(ref=order.ref, channel_id=channel_id, thread_ts=thread_ts,
                          created=new_id is not None)


def unfollow(db: Database, *, channel_id: str, thread_ts: str,
             refs: Sequence[str] | None = None, user_id: str | None = None) -> tuple[str, ...]:
    """Stop the thread following `refs` (all its orders when None). Returns the refs stopped.
    `user_id` is accepted for symmetry with follow(); anyone in the thread may stop it."""
    with db.write() as session:
        rows = followed_refs(session, channel_id=channel_id, thread_ts=thread_ts)
        if refs is not None:
            wanted = {spelling for ref in refs for spelling in ref_candidates(ref)}
            rows = [(oid, ref) for oid, ref in rows if ref in wanted]
        if rows:
            session.execute(delete(Follow).where(
                Follow.channel_id == channel_id, Follow.thread_ts == thread_ts,
                Follow.order_id.in_([oid for oid, _ in rows])))
        return tuple(ref for _, ref in rows)


def followed_refs(session: Session, *, channel_id: str,
                  thread_ts: str) -> list[tuple[int, str]]:
    """(order id, ref) of every order the thread follows, oldest follow first."""
    rows = session.execute(
        select(Follow.order_id, Order.ref).join(Order, Order.id == Follow.order_id)
        .where(Follow.channel_id == channel_id, Follow.thread_ts == thread_ts)
        .order_by(Follow.id))
    return [(oid, ref) for oid, ref in rows]


def is_followed_thread(db: Database, *, channel_id: str, thread_ts: str) -> bool:
    with db.read() as session:
        return session.scalar(
            select(Follow.id).where(Follow.channel_id == channel_id,
                                    Follow.thread_ts == thread_ts).limit(1)) is not None


def notify_followers(session: Session, *, order_id: int, text: str, dedupe_key: str,
                     status_text: str | None = None, is_mrkdwn: bool = False) -> int:
    """Queue one post per thread following the order, inside the caller's transaction.

    `text` tells everything; `status_text` is what a follower who may see only the order's
    status hears instead (None: `text` holds nothing the policy hides). Both are plain words
    (escaped here) unless `is_mrkdwn`, in which case the caller has escaped user-supplied
    parts. `dedupe_key` names the change (e.g. "edited:42:7"); each thread's post gets it plus
    the follow's id. Returns how many posts were queued.
    """
    rows = session.execute(
        select(Follow.id, Follow.channel_id, Follow.thread_ts, Follow.user_id, Order.ref,
               Customer.sales_rep_id)
        .join(Order, Order.id == Follow.order_id).join(Customer, Customer.id == Order.customer_id)
        .where(Follow.order_id == order_id).order_by(Follow.id)).all()
    if not rows:
        return 0
    sees = _sees_details(session, rows) if status_text is not None else None
    queued = 0
    for row in rows:
        words = text if sees is None or sees[row.id] else status_text
        body = words if is_mrkdwn else escape_mrkdwn(words)
        payload = {"channel": row.channel_id, "thread_ts": row.thread_ts, "text": body[:3000],
                   "blocks": _notice_blocks(body, row.ref)}
        # One target per thread: the outbox keeps a thread's posts in order.
        if outbox.enqueue(session, method="chat.postMessage", payload=payload,
                          dedupe_key=f"{dedupe_key}:follow:{row.id}"[:200],
                          target=f"follow:{row.id}") is not None:
            queued += 1
    return queued


def _sees_details(session: Session, rows) -> dict[int, bool]:
    """follow id -> whether its follower may see the order's details, as in a thread answer."""
    audience = session.info.get(_AUDIENCE) or Audience()
    roles = roles_in(session, {row.user_id for row in rows}, admins=audience.admins,
                     default_role=audience.default_role)
    return {row.id: Viewer(user_id=row.user_id, sees_everything=roles[row.user_id] != Role.SALES,
                           policy=audience.policy).sees_details_of(row.sales_rep_id)
            for row in rows}


def _notice_blocks(body: str, ref: str) -> list[dict]:
    # Plain dicts on purpose: store/ renders no templates; this is the whole message.
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f":bell: {body}"[:3000]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"This thread follows {escape_mrkdwn(ref)}. Reply `unfollow` to stop.")[:3000]}]},
    ]


def notify_edit(session: Session, order: Order, changed: Sequence[FieldChange]) -> int:
    """notify_followers for an order edit (store.orders.operations.edit_order, after its Event)."""
    return notify_followers(session, order_id=order.id, dedupe_key=f"edited:{order.id}:"
                            f"{order.version_id}", text=edit_notice(order.ref, changed),
                            status_text=edit_notice(order.ref, changed, values=False))


def edit_notice(ref: str, changed: Iterable[FieldChange], *, values: bool = True) -> str:
    """What a following thread hears about an edit: which fields, and their new values;
    without `values`, only those of status and dates (no prices, lines or addresses)."""
    parts = []
    for change in changed:
        shown = (values or change.field in _SHOWN_VALUES) and change.after
        part = f"{change.field} → {_short(change.after)}" if shown else change.field
        if part not in parts:
            parts.append(part)
    more = f" and {len(parts) - 6} more" if len(parts) > 6 else ""
    return f"{ref} was edited: {', '.join(parts[:6])}{more}."


def _short(value: str) -> str:
    return value if len(value) <= _VALUE_LEN else value[:_VALUE_LEN - 1] + "…"


def kind_words(kind: DiscrepancyType) -> str:
    """A problem named by its kind only, for a status-only notice."""
    return f"a problem ({kind.value.replace('_', ' ')})"


def escape_mrkdwn(text: str) -> str:
    for char, entity in _ESCAPES:
        text = text.replace(char, entity)
    return text
