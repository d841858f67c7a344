"""Queued posts as the deliverer would send them now: a row's render request through the one
renderer table (jobs/renderers.py), built for `audience` (the settings' default: cautious)."""

from __future__ import annotations

from sqlalchemy import select

from jobs.renderers import render, renderer_table
from store.models import OutboxMessage
from store.questions import Audience


def rendered(db, row_id: int, audience: Audience = Audience()) -> dict | None:
    """The Web API arguments of outbox row `row_id`, rendered from the data as it is now."""
    with db.read() as session:
        row = session.get(OutboxMessage, row_id)
        method, payload = row.method, dict(row.payload)
    return render(renderer_table(audience), db, method=method, payload=payload)


def rendered_all(db, kind: str, audience: Audience = Audience()) -> list[dict | None]:
    """Every queued row of render kind `kind`, oldest first, rendered now."""
    with db.read() as session:
        ids = [row.id for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
               if row.payload.get("$render") == kind]
    return [rendered(db, row_id, audience) for row_id in ids]
