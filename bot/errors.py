"""The one place domain errors become messages people see.

Raised before ack(): the error becomes the ack's body (slash command reply, or modal
field errors). Raised after: an ephemeral message to the user. Anything unexpected
is logged with a reference the user can quote; the user never sees a stack trace.

Listeners do everything that can fail (role checks, store operations, rendering) BEFORE
ack(), and only Slack calls after it: Bolt (1.30) resets an already-given ack to "none"
when a listener raises right after acking, and Slack then sees a 404 after 3 s.
"""

from __future__ import annotations

import json
import logging
import uuid

from slack_bolt import BoltResponse
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import InterfaceError, OperationalError

from messages.common import database_unavailable_message, error_message, unexpected_error_message
from store.errors import OrderdeskError, ValidationFailed

log = logging.getLogger("orderdesk")
# The database went away (restart, failover, network): the transaction rolled back, so the
# person is told to try again rather than handed an "unexpected error" reference.
DATABASE_DOWN = (OperationalError, InterfaceError)


def handle_error(error: Exception, body: dict, response: BoltResponse | None, client, logger):
    if isinstance(error, OrderdeskError):
        message = error_message(error.message)
    elif isinstance(error, DATABASE_DOWN):
        log.warning("database unavailable: %s", str(error).splitlines()[0][:300])
        message = database_unavailable_message()
    else:
        reference = uuid.uuid4().hex[:8]
        log.exception("unexpected error ref=%s type=%s", reference, body.get("type"))
        message = unexpected_error_message(reference)

    kind = body.get("type") or ("slash_command" if "command" in body else "event")
    if response is not None and kind == "view_submission":
        return _json_response(_view_errors(error, body))
    if response is not None and kind == "slash_command":
        return _json_response(message)
    _tell_user(client, body, message)
    return BoltResponse(status=200, body="") if response is not None else None


def _view_errors(error: Exception, body: dict) -> dict:
    """Put the message under the modal's fields: named ones where we can, else the first input."""
    blocks = [b["block_id"] for b in body["view"]["blocks"] if b.get("type") == "input"]
    if isinstance(error, ValidationFailed):
        errors = {k: v for k, v in error.errors.items() if k in blocks}
        stray = [v for k, v in error.errors.items() if k not in blocks]
    else:
        errors, stray = {}, [getattr(error, "message", "Something went wrong; nothing was saved.")]
    if stray and blocks:
        first = blocks[0]
        errors[first] = " ".join(filter(None, [errors.get(first), *stray]))[:2000]
    return {"response_action": "errors", "errors": errors}


def _tell_user(client, body: dict, message: dict) -> None:
    user = (body.get("user") or {}).get("id") or body.get("user_id") or body.get("event", {}).get("user")
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id") or (
        body.get("container") or {}
    ).get("channel_id")
    if not (user and channel):
        if user:
            channel = client.conversations_open(users=user)["channel"]["id"]
        else:
            return
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=message["text"],
                                  blocks=message["blocks"])
    except SlackApiError:
        log.exception("could not tell user %s about an error", user)


def _json_response(payload: dict) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload),
                        headers={"content-type": "application/json;charset=utf-8"})
