"""Reply: the one way a listener answers. A listener returns one; the kit then acks with it and
makes its Slack calls, in order, after the ack.

Everything a Reply sends is rendered when the listener builds it, before the ack, so a render
error reaches the person through the ack. After the ack nothing may raise (Bolt would reset
the ack and Slack show a 404 after 3 s), so a Slack refusal of a call (`message_not_found`
for a deleted card, `channel_not_found`, an expired trigger) is logged here, once for every
listener, and the remaining calls still go: the work is already saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from handlers.kit.errors import message_for, tell
from handlers.kit.language import channel_locale
from messages import i18n
from messages.common import confirmation_message, with_note
from messages.metadata import (
    keep_submission_token,
    reply_url_of,
    with_reply_url,
    with_submission_token,
)
from messages.orders import order_card
from store.workspace import cut_order

if TYPE_CHECKING:
    from handlers.kit.listen import Request

log = logging.getLogger("orderdesk.reply")


@dataclass(frozen=True)
class Send:
    """One Slack call after the ack; `what` names it in the log when Slack refuses it."""

    what: str
    call: Callable[[Request], object]


@dataclass(frozen=True)
class Reply:
    answer: dict | None = None  # the ack's body: a message, options, or a response_action
    sends: tuple[Send, ...] = ()
    kick: bool = False  # deliver the outbox first (the work queued posts)

    @classmethod
    def message(cls, message: dict) -> Reply:
        """Answer in the ack: a slash command's reply, an options list."""
        return cls(answer=message)

    @classmethod
    def modal(cls, view: dict) -> Reply:
        return cls().open_modal(view)

    @classmethod
    def update_view(cls, view: dict) -> Reply:
        """A view submission answered by replacing the modal (with a token of its own: it is
        a new form to submit)."""
        return cls(answer={"response_action": "update", "view": with_submission_token(view)})

    def _then(self, what: str, call: Callable[[Request], object]) -> Reply:
        return replace(self, sends=(*self.sends, Send(what, call)))

    def kick_outbox(self) -> Reply:
        return replace(self, kick=True)

    def open_modal(self, view: dict) -> Reply:
        """views.open; the modal carries a fresh submission token (Request.once) and the
        response_url it was opened from, for the confirmation after its submission."""
        view = with_submission_token(view)
        return self._then("views.open", lambda r: r.client.views_open(
            trigger_id=r.trigger_id, view=with_reply_url(view, r.body.get("response_url"))))

    def then_update_view(self, view_id: str | None, view: dict) -> Reply:
        """views.update of a modal from a button inside it (the view keeps its token)."""
        if not view_id:
            return self
        return self._then("views.update", lambda r: r.client.views_update(
            view_id=view_id, view=keep_submission_token(view, r.body.get("view"))))

    def respond(self, message: dict) -> Reply:
        """Through the payload's response_url (replace or delete the original, or add one)."""
        return self._then("response_url", lambda r: _respond(r, message))

    def ephemeral(self, message: dict, *, channel: str | None) -> Reply:
        """Only the person sees it, where they will see it: the response_url the modal was
        opened from (or the button's), else an ephemeral in `channel`, else (no channel, or
        Slack will not take one there) their DM with us, saying why it is there."""
        return self._then(f"private answer for {channel}",
                          lambda r: tell_privately(r, message, channel=channel))

    def confirm(self, text: str, *, channel: str | None) -> Reply:
        return self.ephemeral(confirmation_message(text), channel=channel)

    def post(self, message: dict, *, channel: str, thread_ts: str | None = None) -> Reply:
        return self._then(f"post in {channel}/{thread_ts}", lambda r: r.client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, **message))

    def publish_home(self, user_id: str, view: dict) -> Reply:
        """views.publish: the person's App Home tab."""
        return self._then(f"Home of {user_id}", lambda r: r.client.views_publish(
            user_id=user_id, view=view))

    def unfurl(self, channel: str, ts: str, unfurls: dict) -> Reply:
        """chat.unfurl: an attachment under each pasted link."""
        return self._then(f"unfurl {channel}/{ts}", lambda r: r.client.chat_unfurl(
            channel=channel, ts=ts, unfurls=unfurls))

    def complete_step(self, execution_id: str, outputs: dict) -> Reply:
        """functions.completeSuccess: a Workflow Builder step's outputs."""
        return self._then(f"step {execution_id}", lambda r: r.client.functions_completeSuccess(
            function_execution_id=execution_id, outputs=outputs))

    def fail_step(self, execution_id: str, error: str) -> Reply:
        """functions.completeError: the workflow stops and shows `error` to its author."""
        return self._then(f"step {execution_id}", lambda r: r.client.functions_completeError(
            function_execution_id=execution_id, error=error))

    def refresh_cards(self, result) -> Reply:
        """Redraw every shared card of `result.order` (`result.posted_cards`) in place, as far
        as each one's sharer could see it, in its channel's language; None (a repeated
        submission changed nothing) redraws nothing."""
        if result is None:
            return self
        reply = self
        for channel, ts, seen in result.posted_cards:
            shown = cut_order(result.order, seen)
            if shown is None:
                continue
            reply = reply._then(f"order card {channel}/{ts}", lambda r, c=channel, t=ts, o=shown:
                               _redraw_card(r, c, t, o))
        return reply

    def later(self, work: Callable[[], Reply]) -> Reply:
        """Slow work after the ack (a report): its Reply's calls follow; if it fails, the
        person is told the way the error handler tells them."""
        return self._then("work after the ack", lambda r: _run_later(r, work))

    def deliver(self, request: Request, ack: Callable[..., object]) -> None:
        if not request.is_event:  # Bolt acked an event itself, before the listener ran
            ack(self.answer or "")  # "": the empty ack
        self.send(request)

    def send(self, request: Request) -> None:
        if self.kick:
            request.deps.kick_outbox(request.deps.db, request.client)
        for send in self.sends:
            try:
                send.call(request)
            except SlackApiError as err:
                log.warning("Slack refused %s: %s", send.what, err.response.get("error"))
            except (SlackClientError, OSError) as err:
                log.warning("could not reach Slack for %s: %s", send.what, err)


# Slack refuses a post to this conversation for good: the app is not in it (or it is gone).
CANNOT_POST_HERE = frozenset({"channel_not_found", "not_in_channel", "is_archived",
                              "user_not_in_channel"})


def tell_privately(request: Request, message: dict, *, channel: str | None) -> str:
    """Deliver a private answer; returns where it went ("response_url", "ephemeral", "dm")."""
    url = reply_url_of(request.body.get("view")) or request.body.get("response_url")
    if url and _post_to(url, {"response_type": "ephemeral", "replace_original": False,
                              **message}):
        return "response_url"
    if channel:
        try:
            request.client.chat_postEphemeral(channel=channel, user=request.user, **message)
            return "ephemeral"
        except SlackApiError as err:
            if err.response.get("error") not in CANNOT_POST_HERE:
                raise
            why = (f"I can't post in <#{channel}> (I'm not in that conversation), so I'm "
                   "telling you here.")
    else:
        why = "That came from somewhere without a conversation, so I'm telling you here."
    request.client.chat_postMessage(channel=request.user, **with_note(message, why))
    return "dm"


def _post_to(url: str, payload: dict) -> bool:
    try:
        sent = WebhookClient(url).send_dict(payload)
    except (SlackClientError, OSError) as err:
        log.warning("could not reach the response_url: %s", err)
        return False
    if sent.status_code != 200:
        log.info("the response_url refused the answer (%s %s); trying elsewhere",
                 sent.status_code, sent.body)
    return sent.status_code == 200


def _respond(request: Request, message: dict) -> None:
    if request.respond is None:
        log.warning("no response_url to answer %s with", request.kind)
        return
    sent = request.respond(message)
    if sent.status_code != 200:
        log.warning("Slack refused the response_url: %s %s", sent.status_code, sent.body)


def _run_later(request: Request, work: Callable[[], Reply]) -> None:
    try:
        reply = work()
    except Exception as error:  # the ack is gone: the person hears of it by ephemeral instead
        tell(message_for(error, request.body), request.body, request.client)
        return
    reply.send(request)


def _redraw_card(request: Request, channel: str, ts: str, order) -> None:
    with i18n.using(channel_locale(request, channel)):
        card = order_card(order, shared=True)
    request.client.chat_update(channel=channel, ts=ts, **card)
