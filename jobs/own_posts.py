"""Finding a post of our own that an earlier attempt made: Slack took it, but the answer never
reached us (a timeout, a process stopped between the post and recording it). Each post carries
its key in Slack's message metadata; a retry looks for it in the channel's recent history (in
its thread, for a reply) before posting again, so a post goes out once."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("orderdesk.posts")
HISTORY_LOOKED_AT = 200  # the channel's newest messages: a retry comes minutes after its post
THREAD_LOOKED_AT = 1000  # a thread's replies, oldest first (Slack's most in one page)
# Slack's errors that say "not now" rather than "no": the call may succeed if tried later.
TRANSIENT = {"ratelimited", "internal_error", "fatal_error", "service_unavailable",
             "request_timeout", "team_added_to_org"}


def is_transient(error: SlackApiError) -> bool:
    status = getattr(error.response, "status_code", 0) or 0
    code = (error.response.get("error") if hasattr(error.response, "get") else None) or ""
    return status == 429 or status >= 500 or code in TRANSIENT


def marked(event_type: str, **key) -> dict:
    """The metadata that names a post: chat.postMessage's `metadata` argument."""
    return {"event_type": event_type, "event_payload": key}


def earlier_post(client: WebClient, channel: str, event_type: str, *,
                 thread_ts: str | None = None, **key) -> str | None:
    """The ts of the post marked with `key` in the channel (in the thread `thread_ts`: a reply
    is not in the channel's history), if an earlier attempt made it. None when there is none,
    or when Slack will not let us look (no history scope, a DM named by user id): then it
    posts, at worst twice. What may let us look later (rate limited, Slack or the network
    down) is raised: the caller tries the whole attempt again then, instead of posting
    blind."""
    try:
        if thread_ts:
            found = client.conversations_replies(channel=channel, ts=thread_ts,
                                                 limit=THREAD_LOOKED_AT,
                                                 include_all_metadata=True)
        else:
            found = client.conversations_history(channel=channel, limit=HISTORY_LOOKED_AT,
                                                 include_all_metadata=True)
    except SlackApiError as error:
        if is_transient(error):
            raise
        log.warning("could not check %s for an earlier post: %s", channel,
                    error.response.get("error"))
        return None
    for message in found.get("messages", []):
        meta = message.get("metadata") or {}
        payload = meta.get("event_payload") or {}
        if meta.get("event_type") == event_type and all(payload.get(k) == v
                                                       for k, v in key.items()):
            return message["ts"]
    return None
