"""The buttons on a discrepancy (its parent message, or the queue): assign to me, assign…,
resolve (a modal), apply fix, escalate, snooze. The parent updates through the outbox; the
clicker hears back only when nothing changed, or when they clicked in an ephemeral queue."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.deps import Deps
from messages.actions import TriageActions as A
from messages.triage import action_reply, queue_message
from messages.triage_modals import ModalMetadata, resolve_modal
from store import clock
from store.errors import ValidationFailed
from store.orders import apply_fix
from store.triage import (
    RESOLUTION_REASONS,
    SNOOZE_OPTIONS,
    ActionResult,
    assign,
    escalate,
    get_discrepancy,
    list_queue,
    resolve,
    snooze,
)

REASONS = list(RESOLUTION_REASONS.items())


def action_pattern(action_id: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(action_id)}(:\d+)?$")


def item_id(action: dict) -> int:
    """The discrepancy an element belongs to: its action id suffix, else its value."""
    _, _, suffix = action["action_id"].partition(":")
    value = suffix or (action.get("value") or "").split("|")[0]
    if not value.isdigit():
        raise ValidationFailed({"item": "That button lost track of its item; reopen the queue."})
    return int(value)


def register(app: App, deps: Deps) -> None:
    def done(result, body, client, respond) -> None:
        deps.kick_outbox(deps.db, client)
        ephemeral = (body.get("container") or {}).get("is_ephemeral")
        if ephemeral or not result.changed or result.outcome == "escalated_no_route":
            respond(action_reply(result))

    def on_button(permission: str, act):
        def listener(ack, body, action, client, respond):
            user = body["user"]["id"]
            deps.require(user, permission)
            result = act(user, item_id(action), action)  # before ack: see bot/errors.py
            ack()
            done(result, body, client, respond)
        return listener

    def at(op, **extra):
        """Bind a store operation to the item, the clicker and the app's clock."""
        return lambda u, i, a: op(deps.db, discrepancy_id=i, actor=u, now=clock.now(),
                                  **{k: f(u, a) for k, f in extra.items()})

    buttons = {
        A.ASSIGN_ME: ("assign", at(assign, assignee=lambda u, a: u)),
        A.ASSIGN: ("assign", at(assign, assignee=lambda u, a: a["selected_user"])),
        A.FIX: ("apply_fix", at(apply_fix)),
        A.ESCALATE: ("escalate", at(escalate)),
        A.SNOOZE: ("snooze", at(snooze, choice=lambda u, a: (
            a["selected_option"]["value"].split("|", 1)[1]))),
    }
    for action_id, (permission, act) in buttons.items():
        app.action(action_pattern(action_id))(on_button(permission, act))

    def on_queue_button(ack, body, action, respond):
        deps.require(body["user"]["id"], "lookup")
        flt, _, offset = (action.get("value") or "|0").partition("|")
        page = list_queue(deps.db, user_id=body["user"]["id"], filter=flt,
                          offset=int(offset or 0))
        ack()
        respond(queue_message(page, snooze_options=SNOOZE_OPTIONS))

    app.action(A.QUEUE)(on_queue_button)
    _register_resolve(app, deps)


def _register_resolve(app: App, deps: Deps) -> None:
    """Resolve opens a modal (reason + note); submitting it resolves."""
    def on_resolve_button(ack, body, action, client, respond):
        deps.require(body["user"]["id"], "resolve")
        d = get_discrepancy(deps.db, discrepancy_id=item_id(action))
        ack()
        if not d.is_open:
            respond(action_reply(_already(d)))
            return
        channel = (body.get("channel") or {}).get("id")
        client.views_open(trigger_id=body["trigger_id"],
                          view=resolve_modal(d, reasons=REASONS, channel_id=channel))

    def on_resolve_submit(ack, body, view, client):
        user = body["user"]["id"]
        deps.require(user, "resolve")
        meta = ModalMetadata.loads(view["private_metadata"])
        values = view["state"]["values"]
        reason = ((values.get("reason", {}).get("reason") or {}).get("selected_option")
                  or {}).get("value")
        note = (values.get("note", {}).get("note") or {}).get("value")
        result = resolve(deps.db, discrepancy_id=meta.discrepancy_id, actor=user,
                         reason=reason or "", note=note, now=clock.now())
        ack()
        deps.kick_outbox(deps.db, client)
        if not result.changed and meta.channel_id:
            client.chat_postEphemeral(channel=meta.channel_id, user=user,
                                      **action_reply(result))

    app.action(action_pattern(A.RESOLVE))(on_resolve_button)
    app.view(A.RESOLVE_CALLBACK)(on_resolve_submit)


def _already(d) -> ActionResult:
    return ActionResult(d, "already_resolved")
