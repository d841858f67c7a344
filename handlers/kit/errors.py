"""The one place errors become messages people see (bot/app.py registers handle_error).

Raised in a listener, that is before the ack (the kit acks only with the Reply a listener
returns): the error becomes the ack's body (a slash command's reply, a modal's field
errors), or an ephemeral told before the ack is sent (buttons, shortcuts). Anything
unexpected is logged with a reference the person can quote; nobody sees a stack trace.
"""

from __future__ import annotations

import json
import logging
import uuid

from slack_bolt import BoltResponse
from slack_sdk.errors import SlackApiError

from handlers.kit.payload import channel_of, user_of
from messages import i18n
from messages.common import database_unavailable_message, error_message, unexpected_error_message
from messages.errors import error_text, field_error
from messages.i18n import _
from store.db import DATABASE_DOWN
from store.errors import OrderdeskError, ValidationFailed

log = logging.getLogger("orderdesk")


# The attribute the kit's listener puts on an error it lets through: the locale of the person
# who acted, found while their request was being answered (handlers.kit.listen).
ERROR_LOCALE = "orderdesk_locale"


def handle_error(error: Exception, body: dict, response: BoltResponse | None, client, logger):
    with i18n.using(getattr(error, ERROR_LOCALE, i18n.ENGLISH)):
        return _answer(error, body, response, client)


def _answer(error: Exception, body: dict, response: BoltResponse | None, client):
    message = message_for(error, body)
    kind = body.get("type") or ("slash_command" if "command" in body else "event")
    if response is not None and kind == "view_submission" and _inputs(body):
        return _json_response(_view_errors(error, body))
    if response is not None and kind == "slash_command":
        return _json_response(message)
    if response is not None and kind == "block_suggestion":
        tell(message, body, client)
        return _json_response({"options": []})  # the menu stays usable, and empty
    tell(message, body, client)
    return BoltResponse(status=200, body="") if response is not None else None


def message_for(error: Exception, body: dict) -> dict:
    if isinstance(error, OrderdeskError):
        return error_message(error_text(error), mentions=error.mentions)
    if isinstance(error, DATABASE_DOWN):
        log.warning("database unavailable: %s", str(error).splitlines()[0][:300])
        return database_unavailable_message()
    reference = uuid.uuid4().hex[:8]
    log.error("unexpected error ref=%s type=%s", reference, body.get("type"), exc_info=error)
    return unexpected_error_message(reference)


def tell(message: dict, body: dict, client) -> None:
    """An ephemeral to the person, where they acted, else in their DM with the app."""
    user, channel = user_of(body), channel_of(body)
    if not user:
        return
    try:
        channel = channel or client.conversations_open(users=user)["channel"]["id"]
        client.chat_postEphemeral(channel=channel, user=user, text=message["text"],
                                  blocks=message["blocks"])
    except SlackApiError:
        log.exception("could not tell user %s about an error", user)


def _inputs(body: dict) -> list[str]:
    """The submitted modal's input block ids. A modal without any cannot show an error: its
    submission is told by ephemeral instead, and the modal closes."""
    return [b["block_id"] for b in body["view"]["blocks"] if b.get("type") == "input"]


def _view_errors(error: Exception, body: dict) -> dict:
    """Put the message under the modal's fields: named ones where we can, else the first input."""
    blocks = _inputs(body)
    if isinstance(error, ValidationFailed):
        errors = {k: field_error(v) for k, v in error.errors.items() if k in blocks}
        stray = [field_error(v) for k, v in error.errors.items() if k not in blocks]
    elif isinstance(error, OrderdeskError):
        errors, stray = {}, [error_text(error)]
    else:
        nothing = _("Something went wrong; nothing was saved.")
        errors, stray = {}, [getattr(error, "message", nothing)]
    if stray:
        first = blocks[0]
        errors[first] = " ".join(filter(None, [errors.get(first), *stray]))[:2000]
    return {"response_action": "errors", "errors": errors}


def _json_response(payload: dict) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload),
                        headers={"content-type": "application/json;charset=utf-8"})
