"""What a person does in the sandbox's Slack, shared by the console and the web page.

Both take a line typed in a message box and send it the way Slack's client would (a slash
command, an @mention, a DM or a plain message), and both wait for the app's asynchronous
work to settle before showing what changed.
"""

from __future__ import annotations

import re
import time
from typing import Any

from sandbox.model import Delivery

CHANNEL_NAME = re.compile(r"(?<![<\w&])#([a-z0-9][a-z0-9_-]{0,79})")
MENTION_WORDS = ("@orderdesk", "@bot")
SETTLE_S = 2.0  # longest wait for async app work (lazy listeners) after an action
QUIET_S = 0.25  # once things arrive, wait until nothing new for this long


def link_channels(ws: Any, text: str) -> str:
    """`#order-triage` typed for a channel that exists becomes `<#C…|order-triage>`, as
    Slack's client sends it (commands with should_escape, messages); other words stay."""
    def link(match: re.Match) -> str:
        chan = ws.find_channel(match.group(1))
        if chan is None or chan.is_im:
            return match.group(0)
        return f"<#{chan.id}|{chan.name}>"
    return CHANNEL_NAME.sub(link, text)


def is_mention(word: str, bot_user: str) -> bool:
    return word.lower() in (*MENTION_WORDS, f"<@{bot_user.lower()}>")


def send_text(sb: Any, text: str, *, user: str, channel: str,
              thread_ts: str | None = None) -> Delivery:
    """A message box's line: "/cmd args" runs a slash command, "@orderdesk …" mentions the
    app, anything else is posted (in the DM with the app: a direct message)."""
    text = text.strip()
    if not text:
        raise ValueError("nothing to send")
    word, _, rest = text.partition(" ")
    rest = rest.strip()
    if text.startswith("/"):
        return sb.slash(word, link_channels(sb.ws, rest), user=user, channel=channel)
    chan = sb.ws.channels[channel]
    if chan.is_im and chan.im_user == user:
        body = rest if is_mention(word, sb.bot_user_id) else text
        return sb.dm(link_channels(sb.ws, body), user=user, thread_ts=thread_ts)
    if is_mention(word, sb.bot_user_id):
        return sb.mention(link_channels(sb.ws, rest), user=user, channel=channel,
                          thread_ts=thread_ts)
    return sb.say(link_channels(sb.ws, text), user=user, channel=channel, thread_ts=thread_ts)


def settle(sb: Any, since: int, timeout: float | None = None) -> None:
    """Wait for async work without fixed sleeps: first change, then until quiet."""
    timeout = SETTLE_S if timeout is None else timeout
    deadline = time.monotonic() + timeout
    if not sb.wait_for_change(since, timeout):
        return
    while (remaining := deadline - time.monotonic()) > 0:
        if not sb.wait_for_change(sb.version, min(QUIET_S, remaining)):
            return
