"""/order return <ref> and the Return button: the return modal, recorded with its refund."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers.fulfilment import Reply, channel_of, command_ref, state_value
from messages.actions import ReturnActions
from messages.returns import ReturnMetadata, return_modal, return_recorded_text
from store.fulfilment import RULES, ReturnLineRequest, create_return, return_form

USAGE = "/order return <ref>"


def register(app: App, deps: Deps) -> None:
    def return_view(user_id: str, ref: str, channel_id: str | None) -> dict:
        deps.require(user_id, "return")
        return return_modal(return_form(deps.db, ref=ref), channel_id=channel_id,
                            policy=RULES.shipping_refund)

    def on_return_command(*, ack, command, client, **_):
        view = return_view(command["user_id"], command_ref(command, USAGE),
                           command.get("channel_id"))
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=view)

    def on_return_button(ack, body, action, client):
        view = return_view(body["user"]["id"], action["value"], channel_of(body))
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_return_submit(ack, body, view, client):
        user = body["user"]["id"]
        deps.require(user, "return")
        meta = ReturnMetadata.loads(view["private_metadata"])
        result = create_return(deps.db, ref=meta.ref, actor=user, lines=parse_return(view, meta),
                               note=state_value(view, "note"))
        reply = Reply.of(result, user=user, channel=meta.channel_id,
                         text=return_recorded_text(result))
        ack()
        reply.send(deps, client)

    deps.order_command.add("return", on_return_command, usage=USAGE,
                           summary="record a return: refund, replacement, exchange or claim")
    app.action(ReturnActions.START)(on_return_button)
    app.view(ReturnActions.CALLBACK)(on_return_submit)


def parse_return(view: dict, meta: ReturnMetadata) -> list[ReturnLineRequest]:
    return [ReturnLineRequest(
        line_no=n, quantity=state_value(view, f"ret.{n}.quantity") or "",
        outcome=state_value(view, f"ret.{n}.outcome"), reason=state_value(view, f"ret.{n}.reason"),
        exchange_sku=state_value(view, f"ret.{n}.sku")) for n in meta.line_nos]
