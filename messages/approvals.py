"""Approval messages: the manager post (kept current), the reject-reason modal, the
requester's DM, and the decider's confirmation."""

from __future__ import annotations

from dataclasses import dataclass

from messages.actions import ApprovalActions
from messages.blocks import ReasonBlocks
from messages.i18n import N_, _
from messages.metadata import Metadata
from messages.orders import actor
from messages.render import render
from messages.text import label, money, mrkdwn, when


@dataclass(frozen=True)
class RejectMetadata(Metadata):
    """What the reject-reason modal remembers: the approval, and where to confirm."""

    approval_id: int
    channel_id: str | None = None


# The approval kinds and outcomes label() shows, marked for the catalogues.
LABELS = (N_("Refund"), N_("Discount"), N_("Price override"), N_("Late return"),
          N_("Approved"), N_("Rejected"))


def approval_request(approval) -> dict:
    return render("approval_request.json.j2", approval=approval, ids=ApprovalActions,
                  requester=actor(approval.requested_by), outcome_text=_outcome(approval))


def _outcome(a) -> str:
    if a.pending:
        return ""
    icon = ":white_check_mark:" if a.status == "approved" else ":x:"
    reason = f"\n>{mrkdwn(a.decision_reason, 1000)}" if a.decision_reason else ""
    return f"{icon} " + _("*{status}* by {who} · {when}").format(
        status=label(a.status), who=actor(a.decided_by), when=when(a.decided_at)) + reason


def approval_outcome(approval) -> dict:
    a = approval
    what = {"who": actor(a.decided_by), "kind": label(a.kind).lower(), "id": a.id,
            "ref": mrkdwn(a.ref, 64), "amount": money(a.amount_minor, a.currency)}
    if a.status == "approved":
        headline = ":white_check_mark: " + _(
            "{who} approved your {kind} request #{id} on *{ref}* ({amount}).").format(**what)
    else:
        reason = f"\n>{mrkdwn(a.decision_reason, 1000)}" if a.decision_reason else ""
        headline = ":x: " + _(
            "{who} rejected your {kind} request #{id} on *{ref}* ({amount}).").format(
            **what) + reason
    return render("approval_outcome.json.j2", approval=a, headline=headline)


def reject_modal(approval, *, channel_id: str | None) -> dict:
    metadata = RejectMetadata(approval_id=approval.id, channel_id=channel_id).dumps()
    return render("approval_reject_modal.json.j2", approval=approval, ids=ApprovalActions,
                  blocks=ReasonBlocks,
                  metadata=metadata)


def decided_text(approval) -> str:
    verb = "Approved" if approval.status == "approved" else "Rejected"
    return (f"{verb} #{approval.id} ({label(approval.kind).lower()} on "
            f"*{mrkdwn(approval.ref, 64)}*). {actor(approval.requested_by)} gets a DM.")
