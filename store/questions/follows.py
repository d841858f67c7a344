"""Threads that follow an order, and telling them when it changes.

A follow is (order, channel, thread): later changes to the order post into that thread.
Changes announce themselves with notify_followers() INSIDE their own write transaction, so
the posts are queued in the outbox with the change or not at all (jobs/outbox.py delivers
them later, with retries; a dedupe key per change and thread means a replay never posts
twice). Each is a render request carrying the follow's id and the change's words, in full
and status-only; it is rendered at send time (jobs/renderers.py, through follow_notice).

A notice is written for the person who made the thread follow the order, by the rules of a
thread answer (ORDERDESK_REP_VISIBILITY, store.workspace.visibility), decided when it is
sent: the desk and the account's own rep hear the details; another rep, under policy
`status`, hears the status-only words (no prices, lines, addresses, notes, tracking numbers or
problem titles).
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
from store.enums import DiscrepancyType, PostKind, Role
from store.models import ChannelLink, Customer, Follow, Order
from store.records import load_order, ref_keys_of
from store.refs import ref_key_of
from store.views.orders import FieldChange
from store.views.questions import STATUS
from store.workspace import FULL, Viewer, roles_in, sight

# Fields whose new value is status, not commerce: named in every following thread.
_SHOWN_VALUES = ("status", "requested date")
_VALUE_LEN = 80  # a changed value quoted in a notice (notes can be long)


@dataclass(frozen=True)
class Audience:
    """What the settings say about who may read what (bot.config: ORDERDESK_REP_VISIBILITY,
    ORDERDESK_ADMINS, ORDERDESK_DEFAULT_ROLE), handed to whoever renders notices. The default
    is the cautious one."""

    policy: str = STATUS
    admins: frozenset[str] = frozenset()
    default_role: Role = Role.SALES


@dataclass(frozen=True)
class FollowView:
    ref: str
    channel_id: str
    thread_ts: str
    created: bool  # False: the thread already followed it


@dataclass(frozen=True)
class FollowNotice:
    """One notice as its thread may hear it: `words` are plain text (not yet escaped)."""

    ref: str
    channel_id: str
    thread_ts: str
    words: str


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
            wanted = {key for ref in refs for key in ref_keys_of(session, ref)}
            rows = [(oid, ref) for oid, ref in rows if ref_key_of(ref) in wanted]
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
                     status_text: str | None = None, customer_text: str | None = None,
                     internal: bool = False) -> int:
    """Queue one post per thread following the order, inside the caller's transaction.

    `text` tells everything; `status_text` is what a follower who may see only the order's
    status hears instead (None: `text` holds nothing the policy hides); `customer_text` what a
    channel linked to the customer hears (None: the status words). `internal`: the change is
    about nothing the customer may read (problems, prices, the desk's own fields), so their
    channel hears nothing of it. All are plain words; which one a thread hears is decided when
    the post is sent (follow_notice). `dedupe_key` names the change (e.g. "edited:42:7"); each
    thread's post gets it plus the follow's id. Returns how many posts were queued.
    """
    follow_ids = session.scalars(select(Follow.id).where(Follow.order_id == order_id)
                                 .order_by(Follow.id)).all()
    queued = 0
    for follow_id in follow_ids:
        payload = {"$render": PostKind.FOLLOW_NOTICE, "follow_id": follow_id, "text": text,
                   "status_text": status_text, "customer_text": customer_text,
                   "internal": internal}
        # One target per thread: the outbox keeps a thread's posts in order.
        if outbox.enqueue(session, method="chat.postMessage", payload=payload,
                          dedupe_key=f"{dedupe_key}:follow:{follow_id}"[:200],
                          target=f"follow:{follow_id}") is not None:
            queued += 1
    return queued


def follow_notice(db: Database, *, follow_id: int, text: str, status_text: str | None,
                  audience: Audience, customer_text: str | None = None,
                  internal: bool = False) -> FollowNotice | None:
    """A queued notice as its thread may hear it now: the details for the desk and the
    account's own rep, else per `audience`'s policy; in a channel linked to the customer,
    customer-safe words (notify_followers). None when the thread stopped following, or when
    the customer's channel may hear nothing of the change."""
    with db.read() as session:
        row = session.execute(
            select(Follow.channel_id, Follow.thread_ts, Follow.user_id, Order.ref,
                   Order.customer_id, Customer.sales_rep_id)
            .join(Order, Order.id == Follow.order_id)
            .join(Customer, Customer.id == Order.customer_id)
            .where(Follow.id == follow_id)).first()
        if row is None:
            return None
        account = _linked_account(session, row.channel_id)
        if account is not None:
            if internal or account != row.customer_id:  # another account's people read it
                return None
            words = customer_text or status_text or text
        elif status_text is not None and not _sees_details(session, row, audience):
            words = status_text
        else:
            words = text
    return FollowNotice(ref=row.ref, channel_id=row.channel_id, thread_ts=row.thread_ts,
                        words=words)


def _linked_account(session: Session, channel_id: str) -> int | None:
    """The customer a channel is linked to (store.workspace.connections): that customer's
    people read it, so it hears customer-safe words about that account's orders only."""
    return session.scalar(select(ChannelLink.customer_id)
                          .where(ChannelLink.channel_id == channel_id))


def _sees_details(session: Session, row, audience: Audience) -> bool:
    """Whether the follower may see the order's details, as in a thread answer."""
    role = roles_in(session, {row.user_id}, admins=audience.admins,
                    default_role=audience.default_role)[row.user_id]
    viewer = Viewer(user_id=row.user_id, role=role, policy=audience.policy)
    return sight(viewer, owner_id=row.sales_rep_id) == FULL


def notify_edit(session: Session, order: Order, changed: Sequence[FieldChange]) -> int:
    """notify_followers for an order edit (store.orders.operations.edit_order, after its Event)."""
    seen_by_customer = [c for c in changed if c.field in _SHOWN_VALUES]
    return notify_followers(session, order_id=order.id, dedupe_key=f"edited:{order.id}:"
                            f"{order.version_id}", text=edit_notice(order.ref, changed),
                            status_text=edit_notice(order.ref, changed, values=False),
                            customer_text=(edit_notice(order.ref, seen_by_customer)
                                           if seen_by_customer else None),
                            internal=not seen_by_customer)


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

