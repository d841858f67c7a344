"""Whose language a reply is in: the person's own choice (`/orders language`), else the locale
they use Slack in (users.info, kept briefly by handlers.kit.people), else the workspace's
ORDERDESK_DEFAULT_LOCALE. Found only when something translated is rendered."""

from __future__ import annotations

import logging

from handlers.kit.people import slack_locale
from messages.i18n import normalize
from store.workspace import language_of

log = logging.getLogger(__name__)


def locale_of(request) -> str:
    default = request.deps.settings.default_locale
    user = request.user
    if not user:
        return default
    try:
        chosen = language_of(request.deps.db, user_id=user)
    except Exception:  # the language must never cost the answer (e.g. a database outage)
        log.warning("could not read the language of %s; using %s", user, default,
                    exc_info=True)
        chosen = None
    from_slack = normalize(slack_locale(request.client, user))
    if chosen is None:
        return from_slack or default
    # Chosen "es" by someone whose Slack is es-US: keep their region's money and dates.
    return from_slack if from_slack and from_slack.split("_")[0] == chosen else chosen
