"""Channels as people type them: `<#C123|name>` (picked from Slack's suggestions), `<#C123>`,
a bare id, or a name typed as plain text (`#desk-managers`, `desk-managers`), which Slack sends
unlinked; names are resolved through conversations.list, as Slack would show them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.kit.people import is_ext_shared
from store.errors import ValidationFailed
from store.workspace import SLACK_ID_REST

_LINKED = re.compile(rf"^<#([CGD]{SLACK_ID_REST})(?:\|([^>]*))?>$")
_ID = re.compile(rf"^#?([CGD]{SLACK_ID_REST})$")
# Slack channel names: lowercase letters, digits, hyphens and underscores, at most 80.
_NAME = re.compile(r"^#?([a-z0-9][a-z0-9_-]{0,79})$")


@dataclass(frozen=True)
class ChannelRef:
    id: str
    name: str | None

    @property
    def link(self) -> str:
        """mrkdwn that Slack shows as #name (the label keeps it readable everywhere)."""
        return f"<#{self.id}|{self.name}>" if self.name else f"<#{self.id}>"


def require_own_channel(client: WebClient, channel: ChannelRef, what: str) -> None:
    """Refuse a channel another organisation reads (Slack Connect) for `what`, which names
    other customers or the desk's problems: the visibility policy lets such a channel see its
    own account's orders only."""
    if is_ext_shared(client, channel.id):
        raise ValidationFailed({"channel": (
            f"<#{channel.id}> is shared with another organisation, and {what} is for your own "
            "team only. Pick one of your own channels.")}, mentions=(channel.id,))


def looks_like_channel(token: str) -> bool:
    return bool(_LINKED.match(token) or _ID.match(token) or token.startswith("#"))


def resolve_channel(client: WebClient, token: str) -> ChannelRef:
    """The channel a typed word names. Raises ValidationFailed (under "channel") saying what
    to do when it names none Orderdesk can see."""
    token = token.strip()
    if match := _LINKED.match(token):
        return ChannelRef(match.group(1), match.group(2) or _name_of(client, match.group(1)))
    if match := _ID.match(token):
        return ChannelRef(match.group(1), _name_of(client, match.group(1)))
    if match := _NAME.match(token.lower()):
        name = match.group(1)
        found = _find_by_name(client, name)
        if found is not None:
            return ChannelRef(found, name)
        raise ValidationFailed({"channel": (
            f"I can't find a channel named #{name}. Check the spelling, or invite me there if "
            "it is private (`/invite @Orderdesk`), or pick it from Slack's suggestions.")})
    raise ValidationFailed({"channel": (
        f"`{token}` is not a channel. Type # and pick it, e.g. `#order-triage`.")})


def channel_names(client: WebClient, ids) -> dict[str, str]:
    """id -> name for showing routes; ids Slack won't name are left out."""
    names = {}
    for channel_id in dict.fromkeys(ids):
        name = _name_of(client, channel_id)
        if name:
            names[channel_id] = name
    return names


MEMBER, NOT_MEMBER, ARCHIVED, UNSEEN = "member", "not_member", "archived", "unseen"


def membership_state(client: WebClient, channel_id: str) -> str:
    """Whether Orderdesk can post in the channel (conversations.info): MEMBER, NOT_MEMBER,
    ARCHIVED, or UNSEEN (private and Orderdesk is not in it)."""
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as err:
        if err.response.get("error") != "channel_not_found":
            raise
        return UNSEEN
    if info.get("is_archived"):
        return ARCHIVED
    return MEMBER if info.get("is_member") else NOT_MEMBER


_POSTING_NOTES = {
    UNSEEN: (" :warning: I can't see that channel: it is private and I'm not in it. Type "
             "`/invite @Orderdesk` there, or nothing can be posted to it."),
    ARCHIVED: " :warning: That channel is archived: nothing can be posted to it. Pick another.",
    NOT_MEMBER: (" :warning: I'm not in that channel yet, so posts to it would be refused. Type "
                 "`/invite @Orderdesk` there."),
    MEMBER: " I'm in it, so posts will arrive.",
}


def posting_note(client: WebClient, channel_id: str) -> str:
    """Whether Orderdesk can post in the channel, and how to fix it: a sentence to append to
    the confirmation of anything that will post there."""
    return _POSTING_NOTES[membership_state(client, channel_id)]


def _name_of(client: WebClient, channel_id: str) -> str | None:
    try:
        return client.conversations_info(channel=channel_id)["channel"].get("name")
    except SlackApiError:
        return None


def _find_by_name(client: WebClient, name: str) -> str | None:
    cursor = None
    for _ in range(50):  # 50 pages of 200: 10,000 channels
        try:
            page = client.conversations_list(types="public_channel,private_channel",
                                             exclude_archived=True, limit=200, cursor=cursor)
        except SlackApiError:
            return None
        for channel in page.get("channels") or []:
            if channel.get("name") == name:
                return channel["id"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None
