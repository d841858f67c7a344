"""/order return <ref> and the Return button: the return modal, recorded with its refund."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Listeners, ModalState, Permission, Reply, Request
from messages.actions import ReturnActions
from messages.blocks import ReturnBlocks as B
from messages.i18n import N_
from messages.returns import ReturnMetadata, return_modal, return_recorded_text
from store.fulfilment import RULES, ReturnLineRequest, create_return, return_form

USAGE = "/order return <ref>"


def register(app: App, deps: Deps) -> None:
    deps.order_command.add("return", on_return_command, usage=USAGE,
                           summary=N_("record a return: refund, replacement, exchange or claim"))
    on = Listeners(app, deps)
    on.action(ReturnActions.START, on_return_button)
    on.view(ReturnActions.CALLBACK, on_return_submit)


def on_return_command(request: Request) -> Reply:
    return Reply.modal(return_view(request, ref=request.order_ref(USAGE)))


def on_return_button(request: Request) -> Reply:
    return Reply.modal(return_view(request, ref=request.value))


def on_return_submit(request: Request) -> Reply:
    request.require(Permission.RETURN)
    meta, state = request.metadata(ReturnMetadata), request.state
    lines, note = parse_return(state, meta), state.text(B.NOTE)
    done = request.once("return", lambda: create_return(request.deps.db, ref=meta.ref,
                                                        actor=request.user, lines=lines,
                                                        note=note),
                        lambda result: {"text": return_recorded_text(result)})
    return (Reply().kick_outbox().refresh_cards(done.result)
            .confirm(done.answer["text"], channel=meta.channel_id))


def return_view(request: Request, *, ref: str) -> dict:
    request.require(Permission.RETURN)
    return return_modal(return_form(request.deps.db, ref=ref), channel_id=request.channel,
                        policy=RULES.shipping_refund)


def parse_return(state: ModalState, meta: ReturnMetadata) -> list[ReturnLineRequest]:
    return [ReturnLineRequest(
        line_no=n, quantity=state.figure(B.quantity(n)) or "", outcome=state.selected(B.outcome(n)),
        reason=state.selected(B.reason(n)), exchange_sku=state.text(B.sku(n)))
        for n in meta.line_nos]
