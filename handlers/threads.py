"""Sales reps ask in threads: @mentions, DMs and followed threads answered in the thread;
Follow / Unfollow / Details buttons (and Follow on the order card); other channel messages
go to autolink (handlers/autolink.py), which answers only where a channel opted in.

Events: Bolt acks them itself before the listener runs (HTTP mode, process_before_response
off), so the answer never delays the ack. Each event is claimed in the database first
(store.workspace.events): a retry, a second process, or the `message` twin of an `app_mention`
finds the claim taken and stays quiet.
"""

from __future__ import annotations

import logging

from slack_bolt import App

from handlers.autolink import autolink
from handlers.kit import Deps, Listeners, Permission, Reply, Request, numbered
from messages import i18n
from messages.actions import OrderActions, ThreadActions
from messages.answers import answer_message, followed_message, unfollowed_message
from store import clock
from store.errors import NotForThisChannel
from store.orders import get_order
from store.questions import (
    ThreadRef,
    answer_order,
    answer_question,
    follow,
    is_followed_thread,
    unfollow,
)
from store.views.questions import IGNORED
from store.workspace import NOTHING, autolink_on, claim_event, message_key, order_sight

ANSWERED_SUBTYPES = (None, "thread_broadcast")
log = logging.getLogger("orderdesk.threads")


def register(app: App, deps: Deps) -> None:
    on = Listeners(app, deps)
    on.event("app_mention", on_mention_event)
    on.event("message", on_message_event)
    on.action(numbered(ThreadActions.SHOW), on_details_button)
    on.action(ThreadActions.PAGE, on_page_button)
    on.action(ThreadActions.PAGE_BACK, on_page_button)
    on.action(numbered(ThreadActions.FOLLOW), on_follow_button)
    on.action(OrderActions.FOLLOW, on_follow_button)
    on.action(numbered(ThreadActions.UNFOLLOW), on_unfollow_button)


def on_mention_event(request: Request) -> Reply:
    if from_a_person(request.event):
        return answer(request, addressed=True)
    log.debug("event %s: not from a person, ignored", request.body["event_id"])
    return Reply()


def on_message_event(request: Request) -> Reply:
    event, db = request.event, request.deps.db
    if not from_a_person(event):
        log.debug("event %s: not from a person, ignored", request.body["event_id"])
        return Reply()
    if event.get("channel_type") == "im":
        return answer(request, addressed=True)
    if f"<@{request.bot_user_id}>" not in event.get("text", ""):  # else app_mention answers
        if event.get("thread_ts") and is_followed_thread(db, channel_id=request.channel,
                                                         thread_ts=event["thread_ts"]):
            return answer(request, addressed=False)
        if autolink_on(db, channel_id=request.channel):
            return autolink(request)
    log.debug("event %s: not for us", request.body["event_id"])
    return Reply()


def on_details_button(request: Request) -> Reply:
    viewer = request.viewer(Permission.ASK, posting=True)
    result = answer_order(request.deps.db, ref=request.value, user_id=request.user,
                          role=viewer.role, policy=viewer.policy, now=clock.now(), viewer=viewer)
    return Reply().post(answer_message(result), channel=request.channel,
                        thread_ts=request.thread)


def day_first() -> bool:
    """Whether the asker writes dates day first: Spanish's 3/4 is the 3rd of April."""
    return i18n.language() == "es"


def on_page_button(request: Request) -> Reply:
    """Next / Previous on a list answer: the same question, another page, in the thread."""
    viewer = request.viewer(Permission.ASK, posting=True)
    offset, _, text = (request.value or "0|").partition("|")
    result = answer_question(
        request.deps.db, text=text, user_id=request.user, role=viewer.role,
        policy=viewer.policy, now=clock.now(), offset=int(offset) if offset.isdecimal() else 0,
        viewer=viewer, tz=request.tz, day_first=day_first())
    return Reply().post(answer_message(result), channel=request.channel,
                        thread_ts=request.thread)


def on_follow_button(request: Request) -> Reply:
    if request.is_ephemeral and not in_thread(request):
        request.require(Permission.FOLLOW)
        follow_in_dm(request)
        return Reply()
    # The thread hears of the order from now on: where another organisation reads it, only
    # an order of the account linked to the channel, as a card posted there may show.
    viewer = request.viewer(Permission.FOLLOW, posting=True)
    if viewer.shared:
        order = get_order(request.deps.db, ref=request.value)
        if order_sight(viewer, order) == NOTHING:
            raise NotForThisChannel(order.ref)
    view = follow(request.deps.db, ref=request.value, channel_id=request.channel,
                  thread_ts=request.thread, user_id=request.user)
    return Reply().post(followed_message([view.ref]), channel=request.channel,
                        thread_ts=request.thread)


def on_unfollow_button(request: Request) -> Reply:
    request.require(Permission.FOLLOW)
    refs = unfollow(request.deps.db, channel_id=request.channel, thread_ts=request.thread,
                    refs=[request.value], user_id=request.user)
    return Reply().post(unfollowed_message(refs), channel=request.channel,
                        thread_ts=request.thread)


def answer(request: Request, *, addressed: bool) -> Reply:
    event, event_id = request.event, request.body["event_id"]
    channel, thread = request.channel, request.thread
    if not claim_event(request.deps.db, event_id=event_id,
                       message_key=message_key(channel, event["ts"])):
        log.info("event %s: already answered, staying quiet", event_id)
        return Reply()
    if not addressed and request.is_outsider:
        return Reply()  # an outsider's chatter in a followed thread: no refusal to post
    viewer = request.viewer(Permission.ASK, posting=True)
    result = answer_question(
        request.deps.db, text=event.get("text") or "", user_id=request.user, role=viewer.role,
        policy=viewer.policy, now=clock.now(), thread=ThreadRef(channel, thread),
        addressed=addressed, viewer=viewer, tz=request.tz, day_first=day_first())
    log.debug("event %s: %s", event_id, result.kind)
    if result.kind == IGNORED:
        return Reply()
    return Reply().post(answer_message(result), channel=channel, thread_ts=thread)


def follow_in_dm(request: Request) -> None:
    """A private card has no thread to follow in: start one in the person's DM. Done before
    the ack, since the follow needs the DM post's ts; the order is read first, so one that is
    gone is answered without a post."""
    get_order(request.deps.db, ref=request.value)
    client = request.client
    channel = client.conversations_open(users=request.user)["channel"]["id"]
    posted = client.chat_postMessage(channel=channel,
                                     **followed_message([request.value], in_dm=True))
    follow(request.deps.db, ref=request.value, channel_id=channel, thread_ts=posted["ts"],
           user_id=request.user)


def from_a_person(event: dict) -> bool:
    """Not our own posts, not other bots, not edits or deletions."""
    return (event.get("subtype") in ANSWERED_SUBTYPES and not event.get("bot_id")
            and bool(event.get("user")))


def in_thread(request: Request) -> bool:
    return bool((request.body.get("container") or {}).get("thread_ts"))
