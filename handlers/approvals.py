"""Approve and Reject on a manager post (managers and admins, never on their own request);
Reject asks for a reason in a modal. The requester hears the outcome by DM (queued by
store.fulfilment.approvals with the decision)."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from handlers.fulfilment import Reply, channel_of, state_value
from messages.actions import ApprovalActions
from messages.approvals import RejectMetadata, decided_text, reject_modal
from store.fulfilment import decide, get_approval


def register(app: App, deps: Deps) -> None:
    def on_approve_button(ack, body, action, client):
        user = body["user"]["id"]
        deps.require(user, "approve")
        result = decide(deps.db, approval_id=action["value"], actor=user, approve=True)
        reply = Reply.of(result, user=user, channel=channel_of(body),
                         text=decided_text(result.approval))
        ack()
        reply.send(deps, client)

    def on_reject_button(ack, body, action, client):
        user = body["user"]["id"]
        deps.require(user, "approve")
        # Refused here (own request, already decided) rather than after typing a reason.
        approval = get_approval(deps.db, approval_id=action["value"], actor=user)
        view = reject_modal(approval, channel_id=channel_of(body))
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_reject_submit(ack, body, view, client):
        user = body["user"]["id"]
        deps.require(user, "approve")
        meta = RejectMetadata.loads(view["private_metadata"])
        result = decide(deps.db, approval_id=meta.approval_id, actor=user, approve=False,
                        reason=state_value(view, "reason"))
        reply = Reply.of(result, user=user, channel=meta.channel_id,
                         text=decided_text(result.approval))
        ack()
        reply.send(deps, client)

    app.action(ApprovalActions.APPROVE)(on_approve_button)
    app.action(ApprovalActions.REJECT)(on_reject_button)
    app.view(ApprovalActions.REJECT_CALLBACK)(on_reject_submit)
