"""Slack Connect channels linked to one customer account: `/orders connect <#channel> <code>`,
`/orders connect list`, `/orders disconnect <#channel>` (admins). In a linked channel the
people of the other organisation may ask about that account's orders, and every answer there
is customer-safe (store.workspace.visibility)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from store import clock
from store.db import Database
from store.errors import CustomerNotFound, ValidationFailed
from store.models import (
    ChannelLink,
    ChannelRoute,
    Customer,
    DigestSubscription,
    Event,
    Follow,
    Order,
)

LINKED, UNLINKED = "channel.linked", "channel.unlinked"


@dataclass(frozen=True)
class ConnectionView:
    channel_id: str
    customer_id: int
    customer_code: str
    customer_name: str
    linked_by: str | None


def connect_channel(db: Database, *, actor: str, channel_id: str,
                    customer_code: str) -> ConnectionView:
    """Link the channel to the customer (replacing any earlier link). Idempotent."""
    with db.write() as session:
        customer = session.scalar(select(Customer).where(
            Customer.code.in_([customer_code.strip(), customer_code.strip().upper()])))
        if customer is None:
            raise CustomerNotFound(customer_code.strip())
        _refuse_desk_posts(session, channel_id)
        link = session.get(ChannelLink, channel_id)
        before = None if link is None else session.scalar(
            select(Customer.code).where(Customer.id == link.customer_id))
        if link is None:
            link = ChannelLink(channel_id=channel_id, customer_id=customer.id)
            session.add(link)
        if before != customer.code:  # who let another organisation read which account
            session.add(Event(actor_id=actor, kind=LINKED, customer_id=customer.id,
                              at=clock.now(), summary=f"linked {channel_id} to {customer.code}"
                              + (f" (it was linked to {before})" if before else ""),
                              changes=[{"field": "link", "before": before or "",
                                        "after": customer.code, "channel_id": channel_id}]))
        link.customer_id, link.linked_by, link.linked_at = customer.id, actor, clock.now()
        # The customer's people read the channel: its threads stop following other accounts'
        # orders (followed while it was linked to another account, or before it was linked).
        others = select(Order.id).where(Order.customer_id != customer.id)
        session.execute(delete(Follow).where(Follow.channel_id == channel_id,
                                             Follow.order_id.in_(others)))
        return ConnectionView(channel_id, customer.id, customer.code, customer.name, actor)


def _refuse_desk_posts(session, channel_id: str) -> None:
    """A channel the desk's own posts go to (a route, the warehouse's too: pick requests name
    every customer's goods and addresses; a digest) is not linked to a customer: its people
    would read every account's problems and figures there, whatever the cards in it say."""
    routes = session.scalars(select(ChannelRoute.key).where(
        ChannelRoute.channel_id == channel_id).order_by(ChannelRoute.key)).all()
    digests = session.scalars(select(DigestSubscription.id).where(
        DigestSubscription.channel_id == channel_id, DigestSubscription.active.is_(True))
        .order_by(DigestSubscription.id)).all()
    if not routes and not digests:
        return
    moves = [f"`/orders route {key} #your-channel`" for key in routes] + \
        [f"`/orders digest unsubscribe {n}`" for n in digests]
    got = ", ".join([f"route `{key}`" for key in routes] + [f"digest #{n}" for n in digests])
    raise ValidationFailed({"channel": (
        f"<#{channel_id}> gets the desk's own posts ({got}), which name every customer: the "
        f"customer's people would read them there. Move them first: {', '.join(moves)}.")},
        mentions=(channel_id,))


def disconnect_channel(db: Database, *, channel_id: str, actor: str) -> bool:
    """Unlink the channel; False when it was not linked. Its threads stop following orders:
    the other organisation may still read it, and unlinked it would hear the desk's words."""
    with db.write() as session:
        gone = session.execute(delete(ChannelLink).where(ChannelLink.channel_id == channel_id)
                               .returning(ChannelLink.customer_id)).first()
        if gone is not None:
            session.execute(delete(Follow).where(Follow.channel_id == channel_id))
            code = session.scalar(select(Customer.code).where(Customer.id == gone[0]))
            session.add(Event(actor_id=actor, kind=UNLINKED, customer_id=gone[0], at=clock.now(),
                              summary=f"unlinked {channel_id} from {code}",
                              changes=[{"field": "link", "before": code, "after": "",
                                        "channel_id": channel_id}]))
    return gone is not None


def list_connections(db: Database) -> tuple[ConnectionView, ...]:
    with db.read() as session:
        rows = session.execute(
            select(ChannelLink.channel_id, Customer.id, Customer.code, Customer.name,
                   ChannelLink.linked_by)
            .join(Customer, Customer.id == ChannelLink.customer_id)
            .order_by(Customer.code, ChannelLink.channel_id))
        return tuple(ConnectionView(*row) for row in rows)


def connected_customer(db: Database, *, channel_id: str | None) -> int | None:
    """The customer a channel is linked to, if any."""
    if not channel_id:
        return None
    with db.read() as session:
        return session.scalar(select(ChannelLink.customer_id)
                              .where(ChannelLink.channel_id == channel_id))
