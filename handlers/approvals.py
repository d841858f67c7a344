"""Approve and Reject on a manager post (managers and admins, never on their own request);
Reject asks for a reason in a modal. The requester hears the outcome by DM (queued by
store.fulfilment.approvals with the decision)."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request
from messages.actions import ApprovalActions
from messages.approvals import RejectMetadata, decided_text, reject_modal
from messages.blocks import ReasonBlocks
from store.fulfilment import decide, get_approval


def register(app: App, deps: Deps) -> None:
    on = Listeners(app, deps)
    on.action(ApprovalActions.APPROVE, on_approve_button)
    on.action(ApprovalActions.REJECT, on_reject_button)
    on.view(ApprovalActions.REJECT_CALLBACK, on_reject_submit)


def on_approve_button(request: Request) -> Reply:
    request.require(Permission.APPROVE)
    result = decide(request.deps.db, approval_id=request.value, actor=request.user,
                    approve=True)
    return decided(result, decided_text(result.approval), channel=request.channel)


def on_reject_button(request: Request) -> Reply:
    request.require(Permission.APPROVE)
    # Refused here (own request, already decided) rather than after typing a reason.
    approval = get_approval(request.deps.db, approval_id=request.value, actor=request.user)
    return Reply.modal(reject_modal(approval, channel_id=request.channel))


def on_reject_submit(request: Request) -> Reply:
    request.require(Permission.APPROVE)
    meta = request.metadata(RejectMetadata)
    reason = request.state.text(ReasonBlocks.REASON)
    done = request.once("reject", lambda: decide(request.deps.db, approval_id=meta.approval_id,
                                                 actor=request.user, approve=False,
                                                 reason=reason),
                        lambda result: {"text": decided_text(result.approval)})
    return decided(done.result, done.answer["text"], channel=meta.channel_id)


def decided(result, text: str, *, channel: str | None) -> Reply:
    return Reply().kick_outbox().refresh_cards(result).confirm(text, channel=channel)
