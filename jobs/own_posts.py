"""Finding a post of our own that an earlier attempt made: Slack took it, but the answer never
reached us (a timeout, a process stopped between the post and recording it). Each post carries
its key in Slack's message metadata; a retry looks for it in the channel's recent history
before posting again, so a post goes out once."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("orderdesk.posts")
HISTORY_LOOKED_AT = 200  # the channel's newest messages: a retry comes minutes after its post


def marked(event_type: str, **key) -> dict:
    """The metadata that names a post: chat.postMessage's `metadata` argument."""
    return {"event_type": event_type, "event_payload": key}


def earlier_post(client: WebClient, channel: str, event_type: str, **key) -> str | None:
    """The ts of the post marked with `key` in the channel, if an earlier attempt made it; None
    when there is none or the channel's history can't be read (then it posts, at worst
    twice)."""
    try:
        history = client.conversations_history(channel=channel, limit=HISTORY_LOOKED_AT,
                                               include_all_metadata=True)
    except SlackApiError as error:  # e.g. no channels:history, or a DM named by user id
        log.warning("could not check %s for an earlier post: %s", channel,
                    error.response.get("error"))
        return None
    for message in history.get("messages", []):
        meta = message.get("metadata") or {}
        payload = meta.get("event_payload") or {}
        if meta.get("event_type") == event_type and all(payload.get(k) == v
                                                       for k, v in key.items()):
            return message["ts"]
    return None
