"""The buttons on a discrepancy (its parent message, or the queue): assign to me, assign…,
resolve (a modal), apply fix, escalate, snooze. The parent updates through the outbox; the
clicker hears back only when nothing changed, or when they clicked in an ephemeral queue."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request, numbered, require
from messages.actions import TriageActions as A
from messages.blocks import ResolveBlocks
from messages.triage import action_reply, queue_message
from messages.triage_modals import ModalMetadata, resolve_modal
from store import clock
from store.errors import NotAllowed, ValidationFailed
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
from store.workspace import desk_people, may

REASONS = list(RESOLUTION_REASONS.items())


def register(app: App, deps: Deps) -> None:
    on = Listeners(app, deps)
    on.action(numbered(A.ASSIGN_ME), on_assign_me_button)
    on.action(numbered(A.ASSIGN), on_assign_button)
    on.action(numbered(A.FIX), on_fix_button)
    on.action(numbered(A.ESCALATE), on_escalate_button)
    on.action(numbered(A.SNOOZE), on_snooze_button)
    on.action(A.QUEUE, on_queue_button)
    on.action(A.QUEUE_BACK, on_queue_button)
    on.action(numbered(A.RESOLVE), on_resolve_button)
    on.view(A.RESOLVE_CALLBACK, on_resolve_submit)


def on_assign_me_button(request: Request) -> Reply:
    request.require(Permission.ASSIGN)
    return acted(request, assign, assignee=request.user)


def on_assign_button(request: Request) -> Reply:
    """Assign…: a choice among the people whose role may work items ("<item id>|<user id>");
    anyone else is refused, whatever the payload says."""
    request.require(Permission.ASSIGN)
    chosen = (request.action.get("selected_option") or {}).get("value", "")
    assignee = chosen.partition("|")[2] or request.action.get("selected_user") or ""
    try:
        require(request.deps, assignee, Permission.RESOLVE)
    except NotAllowed:
        raise ValidationFailed({"assignee": f"<@{assignee}> can't work triage items (their "
                                "role doesn't allow it); pick a processor, manager or "
                                "admin."}, mentions=(assignee,)) from None
    return acted(request, assign, assignee=assignee)


def on_fix_button(request: Request) -> Reply:
    request.require(Permission.APPLY_FIX)
    return acted(request, apply_fix)


def on_escalate_button(request: Request) -> Reply:
    request.require(Permission.ESCALATE)
    return acted(request, escalate)


def on_snooze_button(request: Request) -> Reply:
    request.require(Permission.SNOOZE)
    # The option's value is "<discrepancy id>|<choice>".
    choice = request.action["selected_option"]["value"].split("|", 1)[1]
    return acted(request, snooze, choice=choice, timezone=request.deps.settings.timezone)


def on_queue_button(request: Request) -> Reply:
    """A batch summary's "Open these in the queue", the queue's "Next" and "Previous": value
    "<filter>|<offset>"."""
    flt, _, offset = (request.value or "|0").partition("|")
    return Reply().respond(queue_answer(request, flt, int(offset or 0)))


def queue_answer(request: Request, flt: str, offset: int = 0) -> dict:
    """A page of the queue as this person may see it, with the buttons their role may use."""
    viewer = request.viewer(Permission.LOOKUP)
    page = list_queue(request.deps.db, user_id=request.user, filter=flt, offset=offset,
                      viewer=viewer)
    may_work = may(viewer.role, Permission.RESOLVE)
    return queue_message(page, snooze_options=SNOOZE_OPTIONS, may_work=may_work,
                         workers=desk_people(request.deps.db) if may_work else ())


def on_resolve_button(request: Request) -> Reply:
    """Resolve asks for a reason and a note in a modal; an item already resolved says so."""
    request.require(Permission.RESOLVE)
    d = get_discrepancy(request.deps.db, discrepancy_id=item_id(request.action))
    if not d.is_open:
        return Reply().respond(action_reply(ActionResult(d, "already_resolved")))
    return Reply.modal(resolve_modal(d, reasons=REASONS, channel_id=request.channel))


def on_resolve_submit(request: Request) -> Reply:
    request.require(Permission.RESOLVE)
    meta, state = request.metadata(ModalMetadata), request.state
    reason, note = state.selected(ResolveBlocks.REASON) or "", state.text(ResolveBlocks.NOTE)
    # Resolved: the parent message says so. Nothing changed (someone else resolved it first):
    # the person is told why.
    done = request.once("resolve", lambda: resolve(
        request.deps.db, discrepancy_id=meta.discrepancy_id, actor=request.user, reason=reason,
        note=note, now=clock.now()),
        lambda result: {"message": None if result.changed else action_reply(result)})
    reply = Reply().kick_outbox()
    if done.answer["message"] is None:
        return reply
    return reply.ephemeral(done.answer["message"], channel=meta.channel_id)


def acted(request: Request, operation, **choices) -> Reply:
    """Run a button's store operation on its item, by the clicker, at the app's clock."""
    result = operation(request.deps.db, discrepancy_id=item_id(request.action),
                       actor=request.user, now=clock.now(), **choices)
    reply = Reply().kick_outbox()
    if request.is_ephemeral or not result.changed or result.outcome == "escalated_no_route":
        return reply.respond(action_reply(result))
    return reply


def item_id(action: dict) -> int:
    """The discrepancy an element belongs to: its action id suffix, else its value."""
    _, _, suffix = action["action_id"].partition(":")
    value = suffix or (action.get("value") or "").split("|")[0]
    if not value.isdecimal():
        raise ValidationFailed({"item": "That button lost track of its item; reopen the queue."})
    return int(value)
