"""/order cancel <ref> [reason]: cancel now when a reason is given, else ask for one in a
modal. Refused once goods have shipped, before any modal opens."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers.fulfilment import Reply, state_value
from messages.actions import CancelActions
from messages.common import confirmation_message
from messages.fulfilment import cancel_modal, canceled_text
from messages.metadata import OrderModalMetadata
from store.errors import ValidationFailed
from store.fulfilment import cancel_order, check_cancel

USAGE = "/order cancel <ref> [reason]"


def register(app: App, deps: Deps) -> None:
    def on_cancel_command(*, ack, command, client, **_):
        user = command["user_id"]
        deps.require(user, "cancel")
        ref, _, reason = command["text"].strip().partition(" ")
        if not ref:
            raise ValidationFailed({"ref": f"which order? Usage: `{USAGE}`"})
        if reason.strip():
            result = cancel_order(deps.db, ref=ref, actor=user, reason=reason)
            reply, answer = Reply.of(result), confirmation_message(canceled_text(result))
            ack(answer)
            reply.send(deps, client)
            return
        view = cancel_modal(ref=check_cancel(deps.db, ref=ref),
                            channel_id=command.get("channel_id"))
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=view)

    def on_cancel_submit(ack, body, view, client):
        user = body["user"]["id"]
        deps.require(user, "cancel")
        meta = OrderModalMetadata.loads(view["private_metadata"])
        result = cancel_order(deps.db, ref=meta.ref, actor=user,
                              reason=state_value(view, "reason") or "")
        reply = Reply.of(result, user=user, channel=meta.channel_id,
                         text=canceled_text(result))
        ack()
        reply.send(deps, client)

    deps.order_command.add("cancel", on_cancel_command, usage=USAGE,
                           summary="cancel an order that hasn't shipped, with a reason")
    app.view(CancelActions.CALLBACK)(on_cancel_submit)
