"""Flagging an order by hand: `/order flag <ref> [reason]`, the Flag button on the order card,
and the "Flag an order" message shortcut (finds the order ref in the message)."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from messages.actions import OrderActions, TriageActions
from messages.common import confirmation_message
from messages.text import mrkdwn
from messages.triage_modals import ModalMetadata, flag_modal
from store import clock
from store.triage import flag_order, order_ref_in

USAGE = "/order flag <ref> [what is wrong]"
QUOTE = 300  # how much of a message the shortcut puts into the reason box


def flagged_text(result) -> str:
    d = result.discrepancy
    where = f" in <#{d.channel_id}>" if d.channel_id else ""
    if not result.created:
        return f"You already flagged *{mrkdwn(d.order_ref, 64)}* for that{where}; it is {d.status}."
    return f"Flagged *{mrkdwn(d.order_ref, 64)}*{where}: {mrkdwn(d.title, 300)}"


def register(app: App, deps: Deps) -> None:
    def open_modal(client, trigger_id: str, *, ref, reason, channel_id) -> None:
        client.views_open(trigger_id=trigger_id,
                          view=flag_modal(ref=ref, reason=reason, channel_id=channel_id))

    def on_flag_command(*, ack, command, client, **_):
        user = command["user_id"]
        deps.require(user, "flag")
        ref, _, reason = command["text"].strip().partition(" ")
        if ref and reason.strip():
            result = flag_order(deps.db, ref=ref, actor=user, reason=reason, now=clock.now())
            ack(confirmation_message(flagged_text(result)))
            deps.kick_outbox(deps.db, client)
            return
        ack()
        open_modal(client, command["trigger_id"], ref=ref or None, reason=None,
                   channel_id=command.get("channel_id"))

    def on_flag_button(ack, body, action, client):
        deps.require(body["user"]["id"], "flag")
        ack()
        open_modal(client, body["trigger_id"], ref=action["value"], reason=None,
                   channel_id=(body.get("channel") or {}).get("id"))

    def on_flag_shortcut(ack, shortcut, client):
        deps.require(shortcut["user"]["id"], "flag")
        text = (shortcut.get("message") or {}).get("text") or ""
        ref = order_ref_in(deps.db, text=text)
        ack()
        open_modal(client, shortcut["trigger_id"], ref=ref, reason=text[:QUOTE] or None,
                   channel_id=(shortcut.get("channel") or {}).get("id"))

    def on_flag_submit(ack, body, view, client):
        user = body["user"]["id"]
        deps.require(user, "flag")
        values = view["state"]["values"]
        ref = (values["ref"]["ref"].get("value") or "").strip()
        reason = values["reason"]["reason"].get("value") or ""
        result = flag_order(deps.db, ref=ref, actor=user, reason=reason, now=clock.now())
        ack()
        deps.kick_outbox(deps.db, client)
        channel = ModalMetadata.loads(view["private_metadata"]).channel_id
        if channel:
            client.chat_postEphemeral(channel=channel, user=user,
                                      **confirmation_message(flagged_text(result)))

    deps.order_command.add("flag", on_flag_command, usage=USAGE,
                           summary="flag a problem with an order for triage")
    app.action(OrderActions.FLAG)(on_flag_button)
    app.shortcut(TriageActions.FLAG_SHORTCUT)(on_flag_shortcut)
    app.view(TriageActions.FLAG_CALLBACK)(on_flag_submit)
