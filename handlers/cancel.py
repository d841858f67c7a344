"""/order cancel <ref> [reason]: cancel now when a reason is given, else ask for one in a
modal. Refused once goods have shipped, before any modal opens."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request
from messages.actions import CancelActions
from messages.blocks import ReasonBlocks
from messages.common import confirmation_message
from messages.fulfilment import cancel_modal, canceled_text
from messages.i18n import N_
from messages.metadata import OrderModalMetadata
from store.fulfilment import cancel_order, check_cancel

USAGE = "/order cancel <ref> [reason]"


def register(app: App, deps: Deps) -> None:
    deps.order_command.add("cancel", on_cancel_command, usage=USAGE,
                           summary=N_("cancel an order that hasn't shipped, with a reason"))
    Listeners(app, deps).view(CancelActions.CALLBACK, on_cancel_submit)


def on_cancel_command(request: Request) -> Reply:
    request.require(Permission.CANCEL)
    ref, reason = request.order_ref_and_rest(USAGE)
    if reason.strip():
        result = cancel_order(request.deps.db, ref=ref, actor=request.user, reason=reason)
        return (Reply.message(confirmation_message(canceled_text(result)))
                .kick_outbox().refresh_cards(result))
    return Reply.modal(cancel_modal(ref=check_cancel(request.deps.db, ref=ref),
                                    channel_id=request.channel))


def on_cancel_submit(request: Request) -> Reply:
    request.require(Permission.CANCEL)
    meta = request.metadata(OrderModalMetadata)
    reason = request.state.text(ReasonBlocks.REASON) or ""
    done = request.once("cancel", lambda: cancel_order(request.deps.db, ref=meta.ref,
                                                       actor=request.user, reason=reason),
                        lambda result: {"text": canceled_text(result)})
    return (Reply().kick_outbox().refresh_cards(done.result)
            .confirm(done.answer["text"], channel=meta.channel_id))
