"""App Home refreshes: when something a person's Home shows changes, their Home is published
again through the outbox, rendered at send time (jobs/renderers.py), at most once a window:
every change in the same window joins the one queued refresh, sent when the window closes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from store import outbox
from store.enums import PostKind

HOME_THROTTLE = timedelta(seconds=30)
_PERSON = re.compile(r"^[UW][A-Z0-9]{2,}$")  # not "import", "intake", "system"


def refresh_homes(session: Session, user_ids: Iterable[str | None], *, now: datetime) -> None:
    """Queue a views.publish of each person's Home, in the caller's write transaction."""
    step = HOME_THROTTLE.total_seconds()
    window = int(now.timestamp() // step)
    closes = datetime.fromtimestamp((window + 1) * step, UTC)
    for user_id in sorted({u for u in user_ids if u and _PERSON.match(u)}):
        outbox.enqueue(session, method="views.publish", dedupe_key=f"home:{user_id}:{window}",
                       payload={"$render": PostKind.HOME, "user_id": user_id},
                       not_before=closes)
