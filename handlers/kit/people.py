"""Who is outside the desk, and which channels another organisation reads, as Slack tells it:
users.info (guests: is_restricted / is_ultra_restricted; another organisation: a team_id not
the workspace's, or is_stranger) and conversations.info (is_ext_shared / is_shared). Kept
briefly (SECONDS), per Slack API and token, so a burst of clicks costs one call each.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
SECONDS = 300.0
_cache: dict[tuple, tuple[float, Any]] = {}
_lock = threading.Lock()


def _cached(client: WebClient, key: tuple, fetch: Callable[[], Any]) -> Any:
    full_key = (getattr(client, "base_url", ""), getattr(client, "token", ""), *key)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(full_key)
    if hit is not None and now - hit[0] < SECONDS:
        return hit[1]
    value = fetch()
    with _lock:
        if len(_cache) > 10_000:  # a long-lived process: drop the lot rather than grow
            _cache.clear()
        _cache[full_key] = (now, value)
    return value


def home_team(client: WebClient) -> str | None:
    """The workspace Orderdesk is installed in (auth.test)."""
    return _cached(client, ("auth",), lambda: client.auth_test().get("team_id"))


def slack_user(client: WebClient, user_id: str) -> dict | None:
    """users.info's user (with their locale), None when Slack does not know them; raises
    SlackApiError on any other failure (not kept)."""
    def fetch() -> dict | None:
        try:
            return client.users_info(user=user_id, include_locale=True)["user"]
        except SlackApiError as err:
            if err.response.get("error") == "user_not_found":
                return None
            raise
    return _cached(client, ("user", user_id), fetch)


def is_outsider(client: WebClient, user_id: str) -> bool:
    """A guest, or someone of another organisation. A user Slack does not know is outside;
    any other failure to ask counts as inside (not kept), so a hiccup refuses nobody."""
    try:
        user = slack_user(client, user_id)
    except SlackApiError as err:
        log.warning("users.info failed for %s: %s", user_id, err.response.get("error"))
        return False
    if user is None:
        return True
    home = home_team(client)
    foreign = bool(user.get("team_id") and home and user["team_id"] != home)
    return bool(user.get("is_restricted") or user.get("is_ultra_restricted")
                or user.get("is_stranger") or foreign)


def user_tz(client: WebClient, user_id: str) -> str:
    """The person's time zone as Slack has it (users.info `tz`, an IANA name); UTC when Slack
    does not say or cannot be asked."""
    return _user_field(client, user_id, "tz") or "UTC"


def slack_locale(client: WebClient, user_id: str) -> str | None:
    """The language the person uses Slack in ("es-ES"), as users.info tells it; None when
    Slack cannot say (the workspace default applies)."""
    return _user_field(client, user_id, "locale")


def _user_field(client: WebClient, user_id: str, key: str):
    try:
        user = slack_user(client, user_id)
    except SlackApiError as err:
        log.warning("users.info failed for %s: %s", user_id, err.response.get("error"))
        return None
    return (user or {}).get(key)


def is_ext_shared(client: WebClient, channel_id: str | None) -> bool:
    """A channel shared with another organisation (Slack Connect). DMs and channels Slack
    will not describe to us are not."""
    if not channel_id or channel_id.startswith("D"):
        return False

    def fetch() -> bool:
        try:
            channel = client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as err:
            if err.response.get("error") in ("channel_not_found", "not_in_channel"):
                return False
            raise
        # is_shared alone also covers an Enterprise organisation's own workspaces.
        return bool(channel.get("is_ext_shared") or (
            channel.get("is_shared") and not channel.get("is_org_shared")))
    try:
        return _cached(client, ("channel", channel_id), fetch)
    except SlackApiError as err:
        log.warning("conversations.info failed for %s: %s", channel_id,
                    err.response.get("error"))
        return False
