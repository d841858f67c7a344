""""Email customer" on a triage item and on an order card: a modal prefilled from the order
with the template the situation calls for; Send queues the mail and the order event in one
transaction (store.mail.send_mail), the thread hears "<user> emailed <to>: <subject>", and
the mail leaves through jobs/mail.py (kicked now, swept by the clock)."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request, numbered
from messages.actions import MailActions
from messages.blocks import MailBlocks
from messages.common import confirmation_message
from messages.i18n import N_
from messages.mail import (
    MailMetadata,
    dead_mails_message,
    mail_modal,
    mail_off_message,
    stands_in_for_order,
    with_order_lines,
)
from store.errors import ValidationFailed
from store.mail import TEMPLATES, dead_mails, draft_for, retry_dead_mails, send_mail

MAIL_USAGE = "/orders mail [retry <number>|all]"


def register(app: App, deps: Deps) -> None:
    deps.orders_command.add("mail", on_mail_command, usage=MAIL_USAGE,
                            summary=N_("customer mail the server refused, and sending it again "
                                    "(admins)"))
    on = Listeners(app, deps)
    on.action(numbered(MailActions.ITEM), on_email_item_button)
    on.action(MailActions.ORDER, on_email_order_button)
    on.action(MailActions.TEMPLATE, on_template_select)
    on.view(MailActions.CALLBACK, on_mail_submit)


def on_mail_command(request: Request) -> Reply:
    request.require(Permission.ROUTE)
    parts = request.text.split()
    if not parts:
        return Reply.message(dead_mails_message(*dead_mails(request.deps.db)))
    if parts[0].lower() != "retry" or len(parts) != 2 or not (
            parts[1].lower() == "all" or parts[1].lstrip("#").isdecimal()):
        raise ValidationFailed({"text": f"Usage: `{MAIL_USAGE}`"})
    ids = None if parts[1].lower() == "all" else [int(parts[1].lstrip("#"))]
    count = retry_dead_mails(request.deps.db, ids=ids)
    request.deps.kick_mail(request.deps.db)
    return Reply.message(confirmation_message(
        f"Sending {count} mail{'s' * (count != 1)} again." if count else
        "Nothing to send again: no such undelivered mail."))


def _mail_off(request: Request) -> Reply | None:
    if request.deps.settings.mail_from and request.deps.settings.smtp_url:
        return None
    return Reply().ephemeral(mail_off_message(), channel=request.channel)


def on_email_item_button(request: Request) -> Reply:
    request.require(Permission.RESOLVE)
    _, _, number = request.action["action_id"].partition(":")
    if not number.isdecimal():
        raise ValidationFailed({"item": "That button lost track of its item; reopen the queue."})
    draft = draft_for(request.deps.db, discrepancy_id=int(number))
    return _mail_off(request) or Reply.modal(
        _modal(request, draft, draft.template, channel_id=request.channel))


def on_email_order_button(request: Request) -> Reply:
    request.require(Permission.RESOLVE)
    draft = draft_for(request.deps.db, ref=request.value or "")
    return _mail_off(request) or Reply.modal(
        _modal(request, draft, draft.template, channel_id=request.channel))


def _modal(request: Request, draft, template: str, *, channel_id: str | None) -> dict:
    settings = request.deps.settings
    return mail_modal(draft, template=template, channel_id=channel_id,
                      default_locale=settings.default_locale, timezone=settings.timezone)


def on_template_select(request: Request) -> Reply:
    """Another template: subject and body refilled in place (To stays as typed)."""
    request.require(Permission.RESOLVE)
    meta = request.metadata(MailMetadata)
    template = (request.action.get("selected_option") or {}).get("value")
    if template not in TEMPLATES:
        raise ValidationFailed({"template": "Pick one of the templates listed."})
    draft = draft_for(request.deps.db, discrepancy_id=meta.discrepancy_id,
                      order_id=meta.order_id)
    view = _modal(request, draft, template, channel_id=meta.channel_id)
    return Reply().then_update_view((request.body.get("view") or {}).get("id"), view)


def on_mail_submit(request: Request) -> Reply:
    request.require(Permission.RESOLVE)
    settings = request.deps.settings
    if not (settings.mail_from and settings.smtp_url):
        raise ValidationFailed({MailBlocks.TO: "Customer email is not set up (see README, "
                                               "Customer email); nothing was queued."})
    meta, state = request.metadata(MailMetadata), request.state
    subject_block = f"{MailBlocks.SUBJECT}.{meta.template}"
    body_block = f"{MailBlocks.BODY}.{meta.template}"
    blocks = {"to": MailBlocks.TO, "subject": subject_block, "body": body_block}

    body = state.text(body_block) or ""
    if stands_in_for_order(body):  # a long order: its lines go where the modal stood them in
        draft = draft_for(request.deps.db, discrepancy_id=meta.discrepancy_id,
                          order_id=meta.order_id)
        body = with_order_lines(body, draft, default_locale=settings.default_locale,
                                timezone=settings.timezone)

    def send():
        try:
            return send_mail(request.deps.db, actor=request.user, sender=settings.mail_from,
                             order_id=meta.order_id, template=meta.template,
                             to=state.text(MailBlocks.TO) or "",
                             subject=state.text(subject_block) or "", body=body,
                             discrepancy_id=meta.discrepancy_id)
        except ValidationFailed as refused:  # named by the modal's block ids
            raise ValidationFailed({blocks.get(k, k): v for k, v in refused.errors.items()}) \
                from None

    done = request.once("mail", send, lambda mail: {"to": mail.to_address,
                                                    "subject": mail.subject})
    request.deps.kick_mail(request.deps.db)
    return Reply().kick_outbox().confirm(
        f"Email to {done.answer['to']} queued: {done.answer['subject']}",
        channel=meta.channel_id)
