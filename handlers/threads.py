"""Sales reps ask in threads: @mentions, DMs and followed threads answered in the thread;
Follow / Unfollow / Details buttons (and Follow on the order card).

Events: Bolt acks them itself before the listener runs (HTTP mode, process_before_response
off), so the answer never delays the ack. Each event is claimed in the database first
(store.workspace.events): a retry, a second process, or the `message` twin of an `app_mention`
finds the claim taken and stays quiet.
"""

from __future__ import annotations

import logging
import re

from slack_bolt import App

from bot.deps import Deps
from messages.actions import OrderActions, ThreadActions
from messages.answers import answer_message, followed_message, unfollowed_message
from store import clock
from store.questions import (
    ThreadRef,
    answer_order,
    answer_question,
    follow,
    is_followed_thread,
    unfollow,
)
from store.views.questions import IGNORED
from store.workspace import claim_event, message_key

ANSWERED_SUBTYPES = (None, "thread_broadcast")
log = logging.getLogger("orderdesk.threads")


def register(app: App, deps: Deps) -> None:
    def answer(body: dict, event: dict, client, *, addressed: bool) -> None:
        channel, thread = event["channel"], event.get("thread_ts") or event["ts"]
        if not claim_event(deps.db, event_id=body["event_id"],
                           message_key=message_key(channel, event["ts"])):
            log.info("event %s: already answered, staying quiet", body["event_id"])
            return
        role = deps.require(event["user"], "ask")
        result = answer_question(
            deps.db, text=event.get("text") or "", user_id=event["user"], role=role,
            policy=deps.settings.rep_visibility, now=clock.now(),
            thread=ThreadRef(channel, thread), addressed=addressed)
        if result.kind != IGNORED:
            client.chat_postMessage(channel=channel, thread_ts=thread, **answer_message(result))
        log.debug("event %s: %s", body["event_id"], result.kind)

    def on_mention_event(body, event, client):
        if _from_a_person(event):
            answer(body, event, client, addressed=True)
        else:
            log.debug("event %s: not from a person, ignored", body["event_id"])

    def on_message_event(body, event, context, client):
        if not _from_a_person(event):
            log.debug("event %s: not from a person, ignored", body["event_id"])
        elif event.get("channel_type") == "im":
            answer(body, event, client, addressed=True)
        elif (event.get("thread_ts") and f"<@{context.bot_user_id}>" not in event.get("text", "")
              and is_followed_thread(deps.db, channel_id=event["channel"],
                                     thread_ts=event["thread_ts"])):
            answer(body, event, client, addressed=False)
        else:
            log.debug("event %s: not for us", body["event_id"])

    def on_details_button(ack, body, action, client):
        ack()
        role = deps.require(body["user"]["id"], "ask")
        result = answer_order(deps.db, ref=action["value"], user_id=body["user"]["id"],
                              role=role, policy=deps.settings.rep_visibility, now=clock.now())
        channel, thread = _thread_of(body)
        client.chat_postMessage(channel=channel, thread_ts=thread, **answer_message(result))

    def on_follow_button(ack, body, action, client):
        ack()
        user_id = body["user"]["id"]
        deps.require(user_id, "follow")
        channel, thread = _thread_of(body)
        in_dm = (body.get("container") or {}).get("is_ephemeral") and not _in_thread(body)
        if in_dm:  # a private card has no thread to follow in: start one in the user's DM
            channel = client.conversations_open(users=user_id)["channel"]["id"]
            posted = client.chat_postMessage(channel=channel,
                                             **followed_message([action["value"]], in_dm=True))
            thread = posted["ts"]
        view = follow(deps.db, ref=action["value"], channel_id=channel, thread_ts=thread,
                      user_id=user_id)
        if not in_dm:
            client.chat_postMessage(channel=channel, thread_ts=thread,
                                    **followed_message([view.ref]))

    def on_unfollow_button(ack, body, action, client):
        ack()
        deps.require(body["user"]["id"], "follow")
        channel, thread = _thread_of(body)
        refs = unfollow(deps.db, channel_id=channel, thread_ts=thread, refs=[action["value"]],
                        user_id=body["user"]["id"])
        client.chat_postMessage(channel=channel, thread_ts=thread, **unfollowed_message(refs))

    app.event("app_mention")(on_mention_event)
    app.event("message")(on_message_event)
    app.action(_numbered(ThreadActions.SHOW))(on_details_button)
    app.action(_numbered(ThreadActions.FOLLOW))(on_follow_button)
    app.action(OrderActions.FOLLOW)(on_follow_button)
    app.action(_numbered(ThreadActions.UNFOLLOW))(on_unfollow_button)


def _from_a_person(event: dict) -> bool:
    """Not our own posts, not other bots, not edits or deletions."""
    return (event.get("subtype") in ANSWERED_SUBTYPES and not event.get("bot_id")
            and bool(event.get("user")))


def _thread_of(body: dict) -> tuple[str, str]:
    """The thread a button was pressed in; a top-level message starts its own thread."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    return channel, (container.get("thread_ts") or message.get("thread_ts")
                     or container.get("message_ts") or message.get("ts"))


def _in_thread(body: dict) -> bool:
    return bool((body.get("container") or {}).get("thread_ts"))


def _numbered(action_id: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(action_id)}(:\d+)?$")
