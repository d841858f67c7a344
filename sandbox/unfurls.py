"""Links that unfurl: a person pastes a link to one of the app's `unfurl_domains`, Slack
sends `link_shared`, and the app answers with chat.unfurl (an attachment per URL, shown under
the message). Links to other domains send nothing.

    sb.ws.unfurl_domains = ["orders.example.com"]
    d = sb.paste("see https://orders.example.com/o/SO-1042", user="U0SALES1", channel="#orders")
    sb.wait_for(lambda: d.message.unfurls)
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from sandbox.blockkit import validate_message_blocks
from sandbox.locate import resolve_channel
from sandbox.model import Delivery, Message
from sandbox.player import Player
from sandbox.state import Workspace
from sandbox.webapi_core import ApiError, invalid, method

_URL = re.compile(r"https?://[^\s<>|]+")


def _ours(ws: Workspace, url: str) -> str | None:
    host = (urlparse(url).hostname or "").lower()
    return next((d for d in ws.unfurl_domains
                 if host == d.lower() or host.endswith("." + d.lower())), None)


class Unfurls:
    ws: Workspace
    player: Player

    def paste(self, text: str, *, user: str, channel: str,
              thread_ts: str | None = None) -> Delivery:
        """A person posts a message with links; link_shared for those on our domains."""
        chan = resolve_channel(self.ws, channel)
        with self.ws.lock:
            msg = self.ws.add_message(Message(channel=chan.id, ts=self.ws.next_ts(), user=user,
                                              text=text, thread_ts=thread_ts))
            links = [(u, d) for u in dict.fromkeys(_URL.findall(text)) if (d := _ours(self.ws, u))]
            msg.links = [u for u, _ in links]
        if not links:
            return Delivery(kind="event", status=0, body=None, ack_ms=0.0, request_headers={},
                            sent=False, problems=["no link to an unfurl domain: no link_shared"])
        event = {"type": "link_shared", "channel": chan.id, "user": user, "message_ts": msg.ts,
                 "is_bot_user_member": self.ws.bot_user in chan.members,
                 "unfurl_id": f"{chan.id}.{msg.ts}.unfurl", "source": "conversations_history",
                 "links": [{"domain": d, "url": u} for u, d in links],
                 **({"thread_ts": thread_ts} if thread_ts else {})}
        delivery = self.send_event(event)
        delivery.message = msg
        return delivery


@method("chat.unfurl")
def chat_unfurl(ws: Workspace, params: dict) -> dict:
    channel, ts = params.get("channel"), params.get("ts")
    if params.get("unfurl_id"):
        channel, _, rest = str(params["unfurl_id"]).partition(".")
        ts = rest.removesuffix(".unfurl")
    msg = ws.find_message(str(channel or ""), str(ts or ""))
    if msg is None:
        raise ApiError("cannot_find_message")
    unfurls = params.get("unfurls")
    if not isinstance(unfurls, dict) or not unfurls:
        raise ApiError("invalid_unfurls_format")
    errors = []
    for url, attachment in unfurls.items():
        if url not in msg.links:
            raise ApiError("cannot_unfurl_url")
        if not isinstance(attachment, dict):
            raise ApiError("invalid_unfurls_format")
        if "blocks" in attachment:
            errors += validate_message_blocks(attachment["blocks"], path=f"unfurls[{url}].blocks")
    if errors:
        raise invalid("invalid_unfurls_format", errors)
    msg.unfurls.update(unfurls)
    ws.touch(msg)
    return {}
