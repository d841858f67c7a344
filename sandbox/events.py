"""Events API deliveries: mentions, DMs, channel messages, raw events and retries.

Human messages are stored in the workspace first (so conversations.history/replies see them),
then the event is sent as Slack sends it: a signed JSON `event_callback` envelope.
Mixed into SlackSandbox, which provides `self.ws` and `self.player`.
"""

from __future__ import annotations

import uuid

from sandbox import payloads
from sandbox.locate import resolve_channel
from sandbox.model import Channel, Delivery, Message
from sandbox.player import Player
from sandbox.state import Workspace


class Events:
    ws: Workspace
    player: Player

    def _human_message(self, chan: Channel, user: str, text: str,
                       thread_ts: str | None) -> tuple[Message, dict]:
        msg = self.ws.add_message(Message(channel=chan.id, ts=self.ws.next_ts(), user=user,
                                          text=text, thread_ts=thread_ts))
        event = {"type": "message", "user": user, "text": text, "ts": msg.ts,
                 "channel": chan.id, "event_ts": msg.ts, "client_msg_id": str(uuid.uuid4()),
                 "channel_type": "im" if chan.is_im else "group" if chan.is_private
                 else "channel"}
        author = self.ws.users.get(user)
        if author is not None and author.team_id:  # Slack Connect: who sent it, from where
            event["user_team"] = event["source_team"] = author.team_id
        if thread_ts:
            parent = self.ws.find_message(chan.id, thread_ts)
            event["thread_ts"] = thread_ts
            event["parent_user_id"] = parent.user if parent is not None else None
        return msg, event

    def deactivate(self, user_id: str) -> Delivery:
        """An admin deactivates someone: from now on users.info and users.list say `deleted`,
        and Slack sends user_change with the person as users.info describes them (only to an
        app holding users:read). Slack still accepts the app's posts to their DM."""
        with self.ws.lock:
            user = self.ws.users[user_id]
            user.deleted = True
            self.ws.touch()
            event = {"type": "user_change", "user": user.to_api(self.ws.team_id),
                     "cache_ts": int(float(self.ws.next_ts())), "event_ts": self.ws.next_ts()}
        scopes = self.ws.bot_scopes
        if scopes is not None and "users:read" not in scopes:
            return _not_sent("the app lacks users:read: Slack sends it no user_change")
        return self.send_event(event)

    def mention(self, text: str, *, user: str, channel: str,
                thread_ts: str | None = None) -> Delivery:
        """"@orderdesk <text>" in a channel: the message is posted, then app_mention is sent."""
        chan = resolve_channel(self.ws, channel)
        _, event = self._human_message(chan, user, f"<@{self.ws.bot_user}> {text}", thread_ts)
        event["type"] = "app_mention"
        event.pop("channel_type")
        if self.ws.bot_user not in chan.members:
            return _not_sent("the bot is not in the channel: Slack sends no app_mention")
        return self.send_event(event)

    def open_home(self, user: str, *, tab: str = "home") -> Delivery:
        """The user opens the app's Home (or Messages) tab: app_home_opened as Slack sends it,
        with the Home view last published for them, if any (none on the Messages tab)."""
        if tab == "home" and not self.ws.home_tab_enabled:
            return _not_sent("the app has no Home tab (home_tab_enabled is false)")
        with self.ws.lock:
            chan = self.ws.open_im(user)
            event = {"type": "app_home_opened", "user": user, "channel": chan.id, "tab": tab,
                     "event_ts": self.ws.next_ts()}
            home = self.ws.views.get(self.ws.homes.get(user, ""))
            if home is not None and tab == "home":
                event["view"] = payloads.view_obj(self.ws, home)
        return self.send_event(event)

    def dm(self, text: str, *, user: str, thread_ts: str | None = None) -> Delivery:
        """A message to the bot in the user's IM channel (channel_type "im")."""
        _, event = self._human_message(self.ws.open_im(user), user, text, thread_ts)
        return self.send_event(event)

    def say(self, text: str, *, user: str, channel: str,
            thread_ts: str | None = None) -> Delivery:
        """A plain message in a channel (or thread): a `message` event."""
        chan = resolve_channel(self.ws, channel)
        msg, event = self._human_message(chan, user, text, thread_ts)
        if self.ws.bot_user not in chan.members and not chan.is_im:
            return _not_sent("the bot is not in the channel: Slack sends no message event")
        delivery = self.send_event(event)
        delivery.message = msg
        return delivery

    def edit(self, message: Message, text: str) -> Delivery:
        """The author edits a message: Slack changes it and sends a `message` event with
        subtype message_changed (hidden), the new message inside, the old one beside it."""
        chan = resolve_channel(self.ws, message.channel)
        with self.ws.lock:
            before = {"type": "message", "user": message.user, "text": message.text,
                      "ts": message.ts}
            message.text = text
            self.ws.touch(message)
            event = {"type": "message", "subtype": "message_changed", "hidden": True,
                     "channel": chan.id, "ts": self.ws.next_ts(),
                     "channel_type": "im" if chan.is_im else "group" if chan.is_private
                     else "channel",
                     "message": {**before, "text": text,
                                 "edited": {"user": message.user, "ts": self.ws.next_ts()}},
                     "previous_message": before}
            event["event_ts"] = event["ts"]
        if self.ws.bot_user not in chan.members and not chan.is_im:
            return _not_sent("the bot is not in the channel: Slack sends no message event")
        return self.send_event(event)

    def send_event(self, event: dict, *, retry_num: int | None = None,
                   retry_reason: str | None = None, event_id: str | None = None) -> Delivery:
        """Send an event (or a whole envelope, e.g. `d.payload` to replay it as a retry)."""
        if event.get("type") == "event_callback":
            envelope = dict(event)
            envelope["event_id"] = event_id or envelope.get("event_id")
        else:
            envelope = payloads.event_envelope(self.ws, event, event_id=event_id)
        headers = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self.player.send_json("event", envelope["event"].get("type", "?"), envelope,
                                     extra_headers=headers)

    def url_verification(self, challenge: str | None = None) -> Delivery:
        """The Events API handshake: the app must echo the challenge."""
        payload = {"token": payloads.VERIFICATION_TOKEN, "type": "url_verification",
                   "challenge": challenge or uuid.uuid4().hex}
        delivery = self.player.send_json("url_verification", "url_verification", payload)
        body = delivery.body
        echoed = body.get("challenge") if isinstance(body, dict) else body
        if echoed != payload["challenge"]:
            delivery.problems.append(f"challenge not echoed: got {body!r}")
        return delivery


def _not_sent(why: str) -> Delivery:
    return Delivery(kind="event", status=0, body=None, ack_ms=0.0, request_headers={},
                    sent=False, problems=[why])
