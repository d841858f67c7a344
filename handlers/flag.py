"""Flagging an order by hand: `/order flag <ref> [reason]`, the Flag button on the order card,
and the "Flag an order" message shortcut (finds the order ref in the message)."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request
from messages.actions import OrderActions, TriageActions
from messages.blocks import FlagBlocks
from messages.common import confirmation_message
from messages.i18n import N_
from messages.triage import flagged_text
from messages.triage_modals import ModalMetadata, flag_modal
from store import clock
from store.orders import get_order
from store.triage import flag_order, order_ref_in

USAGE = "/order flag <ref> [what is wrong]"
QUOTE = 300  # how much of a message the shortcut puts into the reason box


def register(app: App, deps: Deps) -> None:
    deps.order_command.add("flag", on_flag_command, usage=USAGE,
                           summary=N_("flag a problem with an order for triage"))
    on = Listeners(app, deps)
    on.action(OrderActions.FLAG, on_flag_button)
    on.shortcut(TriageActions.FLAG_SHORTCUT, on_flag_shortcut)
    on.view(TriageActions.FLAG_CALLBACK, on_flag_submit)


def on_flag_command(request: Request) -> Reply:
    request.require(Permission.FLAG)
    ref, reason = request.order_ref_and_rest(USAGE) if request.text else ("", "")
    if ref and reason.strip():
        result = flag_order(request.deps.db, ref=ref, actor=request.user, reason=reason,
                            now=clock.now())
        return Reply.message(confirmation_message(flagged_text(result))).kick_outbox()
    return Reply.modal(flag_modal(ref=ref or None, reason=None, channel_id=request.channel))


def on_flag_button(request: Request) -> Reply:
    request.require(Permission.FLAG)
    order = get_order(request.deps.db, ref=request.value)  # gone since the card was drawn?
    return Reply.modal(flag_modal(ref=order.ref, reason=None, channel_id=request.channel))


def on_flag_shortcut(request: Request) -> Reply:
    request.require(Permission.FLAG)
    text = (request.body.get("message") or {}).get("text") or ""
    ref = order_ref_in(request.deps.db, text=text)
    return Reply.modal(flag_modal(ref=ref, reason=text[:QUOTE] or None,
                                  channel_id=request.channel))


def on_flag_submit(request: Request) -> Reply:
    request.require(Permission.FLAG)
    ref, reason = request.state.text(FlagBlocks.REF) or "", request.state.text(FlagBlocks.REASON)
    done = request.once("flag", lambda: flag_order(request.deps.db, ref=ref, actor=request.user,
                                                   reason=reason or "", now=clock.now()),
                        lambda result: {"text": flagged_text(result)})
    channel = request.metadata(ModalMetadata).channel_id
    return Reply().kick_outbox().confirm(done.answer["text"], channel=channel)
