"""App Home refreshes: when something a person's Home shows changes, their Home is published
again through the outbox, rendered when it is sent (jobs/renderers.py). Refreshes coalesce:
while one for a person waits to be sent, later changes join it (it will render them all), so a
burst of changes costs one views.publish. Nothing is dated ahead: "the outbox drained" stays
a sign that everything was sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import outbox
from store.enums import OutboxStatus, PostKind
from store.models import OutboxMessage

_PERSON = re.compile(r"^[UW][A-Z0-9]{2,}$")  # not "import", "intake", "system"


def refresh_homes(session: Session, user_ids: Iterable[str | None]) -> None:
    """Queue a views.publish of each person's Home, in the caller's write transaction."""
    for user_id in sorted({u for u in user_ids if u and _PERSON.match(u)}):
        target = f"home:{user_id}"
        waiting = session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.target == target, OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts == 0).limit(1))
        if waiting is None:
            outbox.enqueue(session, method="views.publish", target=target,
                           payload={"$render": PostKind.HOME, "user_id": user_id})
