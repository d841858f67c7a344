"""Channels opted in to autolink (`/orders autolink <#channel> on|off`, admins): there, a
message naming known orders gets one compact answer in its thread. Never elsewhere."""

from __future__ import annotations

from sqlalchemy import delete, select

from store import clock
from store.db import Database
from store.models import AutolinkChannel, Event

AUTOLINK_CHANGED = "autolink_changed"


def set_autolink(db: Database, *, channel_id: str, on: bool, actor: str) -> bool:
    """Opt the channel in (`on`) or out. Returns whether anything changed."""
    with db.write() as session:
        row = session.get(AutolinkChannel, channel_id)
        if on and row is None:
            session.add(AutolinkChannel(channel_id=channel_id, enabled_by=actor,
                                        enabled_at=clock.now()))
        elif not on and row is not None:
            session.execute(delete(AutolinkChannel)
                            .where(AutolinkChannel.channel_id == channel_id))
        else:
            return False
        # Who made a channel answer every order named in it (the audit trail, /orders audit).
        session.add(Event(actor_id=actor, kind=AUTOLINK_CHANGED, at=clock.now(),
                          summary=f"turned order links {'on' if on else 'off'} in {channel_id}",
                          changes=[{"field": "order links", "before": "off" if on else "on",
                                    "after": "on" if on else "off", "channel_id": channel_id}]))
        return True


def autolink_on(db: Database, *, channel_id: str | None) -> bool:
    if not channel_id:
        return False
    with db.read() as session:
        return session.scalar(select(AutolinkChannel.channel_id)
                              .where(AutolinkChannel.channel_id == channel_id)) is not None


def autolink_channels(db: Database) -> tuple[str, ...]:
    with db.read() as session:
        return tuple(session.scalars(select(AutolinkChannel.channel_id)
                                     .order_by(AutolinkChannel.channel_id)))
