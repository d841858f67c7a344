"""Whose language a reply is in: the person's own choice (`/orders language`), else the locale
they use Slack in (users.info, kept briefly by handlers.kit.people), else the workspace's
ORDERDESK_DEFAULT_LOCALE. Found only when something translated is rendered."""

from __future__ import annotations

import logging
import threading
import time

from handlers.kit.people import slack_locale
from messages.i18n import normalize
from store.db import Database
from store.workspace import channel_language, language_of

log = logging.getLogger(__name__)


class ChosenLanguages:
    """The choices read from the store, kept SECONDS per person so a lookup's one transaction
    stays one; this process forgets a choice it changes at once, another within SECONDS."""

    SECONDS = 60.0

    def __init__(self) -> None:
        self._kept: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def get(self, db: Database, user_id: str) -> str | None:
        now = time.monotonic()
        with self._lock:
            hit = self._kept.get(user_id)
        if hit is not None and now - hit[0] < self.SECONDS:
            return hit[1]
        chosen = language_of(db, user_id=user_id)
        with self._lock:
            if len(self._kept) > 10_000:  # a long-lived process: drop the lot rather than grow
                self._kept.clear()
            self._kept[user_id] = (now, chosen)
        return chosen

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._kept.pop(user_id, None)


def locale_of(request) -> str:
    default = request.deps.settings.default_locale
    user = request.user
    if not user:
        return default
    try:
        chosen = request.deps.languages.get(request.deps.db, user)
    except Exception:  # the language must never cost the answer (e.g. a database outage)
        log.warning("could not read the language of %s; using %s", user, default,
                    exc_info=True)
        chosen = None
    from_slack = normalize(slack_locale(request.client, user))
    if chosen is None:
        return from_slack or default
    # Chosen "es" by someone whose Slack is es-US: keep their region's money and dates.
    return from_slack if from_slack and from_slack.split("_")[0] == chosen else chosen


def channel_locale(request, channel: str) -> str:
    """The language of what Orderdesk posts in `channel` for everyone to read (a shared order
    card, at the share and at every redraw): its route's, else the workspace's. Not the
    poster's: a card redrawn in the language of whoever last edited the order changed language
    under the channel's readers."""
    default = request.deps.settings.default_locale
    try:
        return channel_language(request.deps.db, channel_id=channel) or default
    except Exception:  # as locale_of: the language must never cost the post
        log.warning("could not read the language of %s; using %s", channel, default,
                    exc_info=True)
        return default
