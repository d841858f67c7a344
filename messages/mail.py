"""Customer mail text and the Slack pieces around it.

Mail text is not Slack: its templates (messages/templates/mail/*.txt.j2) are plain text, so
they render with autoescape off and none of Block Kit's mrkdwn escaping (a customer would see
"&amp;"); they live here rather than in store/mail because store may not import jinja2 and
messages/ is where views become words. A template's first line is "Subject: ...". They take
only the order's customer-facing fields (ref, PO, lines, amounts, dates, address, tracking):
never its notes, costs, events or other customers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup, escape

from messages import i18n, text
from messages.actions import MailActions
from messages.blocks import MailBlocks
from messages.common import error_message, undelivered_message
from messages.i18n import N_, _
from messages.metadata import Metadata
from messages.render import TEMPLATES, render
from store.periods import local_date
from store.views.mail import MailDraft, MailNote

LABELS = {"price_confirmation": N_("Price confirmation"),
          "stock_shortfall": N_("Stock shortfall"), "address_check": N_("Address check"),
          "payment_failed": N_("Payment failed"), "delay_notice": N_("Delay notice"),
          "shipped": N_("Shipped (tracking)"), "return_refund": N_("Return received / refund")}

_env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                   autoescape=False, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
                   extensions=["jinja2.ext.i18n"])


@pass_context
def _customer_day(context, value) -> str:
    """A day in a customer's mail: plain text (no Slack date token), a timestamp's day read in
    the desk's zone (the customer's own is not known; UTC would date an evening order in
    Tokyo the day before)."""
    if isinstance(value, datetime):
        value = local_date(value, context["timezone"])
    return text.calendar_day(value)


_env.filters.update(money=text.money, day=_customer_day)
_env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)


def render_mail(template: str, draft: MailDraft, *, default_locale: str = i18n.ENGLISH,
                timezone: str = "UTC", order_stand_in: str | None = None) -> tuple[str, str]:
    """(subject, body) of `template` for the draft's order, in the customer's language (else
    the workspace's `default_locale`), its days in the workspace's `timezone`, whoever in
    Slack writes it. `order_stand_in`: written where the order's lines and total would be."""
    with i18n.using(draft.language or default_locale):
        rendered = _env.get_template(f"mail/{template}.txt.j2").render(
            o=draft.order, evidence=draft.evidence, timezone=timezone,
            order_stand_in=order_stand_in)
    first, _, body = rendered.partition("\n")
    return first.removeprefix("Subject:").strip(), body.strip() + "\n"


# Slack's limit on a multiline input: a longer prefilled message can't be shown to edit.
MODAL_BODY_MAX = 3000
# Brackets nobody types, around the words that stand in for a long order's lines in the
# modal; the lines replace them when the mail is sent.
_STAND_IN = re.compile(r"⟦[^⟧\n]{1,300}⟧")


def _order_stand_in(o) -> str:
    return "⟦" + _("%(ref)s: its %(n)s lines and total, added here when the mail is sent") % {
        "ref": o.ref, "n": len(o.lines)} + "⟧"


def stands_in_for_order(body: str) -> bool:
    """Whether a message from the modal holds a long order's stand-in (with_order_lines)."""
    return _STAND_IN.search(body) is not None


def with_order_lines(body: str, draft: MailDraft, *, default_locale: str = i18n.ENGLISH,
                     timezone: str = "UTC") -> str:
    """The message as sent: the order's lines and total where the modal showed its stand-in
    (the order as it is now, in the customer's language)."""
    with i18n.using(draft.language or default_locale):
        lines = _env.get_template("mail/_order.txt.j2").render(
            o=draft.order, timezone=timezone, order_stand_in=None).strip("\n")
    return _STAND_IN.sub(lambda _m: lines, body, count=1)


_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def mail_html(body: str) -> str:
    """The HTML alternative of a mail's text: the same words, escaped (a customer name or a
    typed reply may hold markup), whitespace kept, and its web addresses clickable."""
    parts, last = [], 0
    for link in _LINK.finditer(body):
        url = escape(link.group())
        parts += [escape(body[last:link.start()]), Markup(f'<a href="{url}">{url}</a>')]
        last = link.end()
    parts.append(escape(body[last:]))
    return ('<!DOCTYPE html>\n<html><body><div style="white-space: pre-wrap">'
            f'{Markup("").join(parts)}</div></body></html>\n')


def mail_note_message(note: MailNote) -> dict:
    """The thread line about a mail: who emailed whom, or what the customer answered."""
    subject = text.mrkdwn(note.subject, 150)
    address = text.mrkdwn(note.address)
    if note.kind == "sent":
        line = ":outbox_tray: " + _("{who} emailed {address}: *{subject}*").format(
            who=f"<@{note.actor}>" if note.actor != "system" else "Orderdesk", address=address,
            subject=subject)
        return {"text": line, "blocks": [_section(line)]}
    if note.kind == "dead":
        line = ":warning: " + _("The mail to {address} (*{subject}*) could not be delivered: "
                                "{error}. Check the address, or call them.").format(
            address=address, subject=subject, error=text.mrkdwn(note.text, 300))
        return {"text": line, "blocks": [_section(line)]}
    head = ":incoming_envelope: " + (
        _("{address} replied: *{subject}*") if note.kind == "reply" else
        _("Mail from {address} matching no order: *{subject}*")).format(address=address,
                                                                        subject=subject)
    words = text.mrkdwn(note.text, 2500).strip()
    quoted = "\n".join(f"> {line}" for line in words.split("\n")) if words else \
        "> " + _("(no text)")
    if note.attachments:  # only their names are kept: the file is in the desk's mailbox
        quoted += "\n:paperclip: " + _("Attached: %(files)s") % {
            "files": ", ".join(f"`{text.mrkdwn(name, 120)}`" for name in note.attachments)}
    return {"text": head, "blocks": [_section(head), _section(quoted)]}


def _section(line: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": line[:3000]}}


@dataclass(frozen=True)
class MailMetadata(Metadata):
    """The Email customer modal's private_metadata: what it is about, the template shown, and
    where to confirm."""

    order_id: int
    discrepancy_id: int | None = None
    template: str = "price_confirmation"
    channel_id: str | None = None


def mail_modal(draft: MailDraft, *, template: str, channel_id: str | None,
               default_locale: str = i18n.ENGLISH, timezone: str = "UTC") -> dict:
    """Prefilled from the order with `template` in the customer's language; editable. An
    order too long for the message box shows a stand-in for its lines, which the lines replace
    when the mail is sent (with_order_lines): never a message cut short."""
    o = draft.order
    subject, body = render_mail(template, draft, default_locale=default_locale,
                                timezone=timezone)
    long_order = len(body) > MODAL_BODY_MAX
    if long_order:
        subject, body = render_mail(template, draft, default_locale=default_locale,
                                    timezone=timezone, order_stand_in=_order_stand_in(o))
    names = {"customer": text.mrkdwn(o.customer_name, 200), "ref": text.mrkdwn(o.ref, 64),
             "po": text.mrkdwn(o.po_number or "", 64)}
    headline = (_("To *%(customer)s* about *%(ref)s* (PO %(po)s).") if o.po_number
                else _("To *%(customer)s* about *%(ref)s*.")) % names
    warning = None
    if draft.to_address is None:
        warning = ":warning: " + _("No email on file for this customer: type one in *To*; it "
                                   "is saved as their contact email.")
    elif draft.bad_email:
        warning = ":warning: " + _("Mail to %(address)s bounced before; check the address or "
                                   "type another.") % {"address": text.mrkdwn(draft.to_address)}
    if long_order:
        note = ":information_source: " + _(
            "The order's %(n)s lines don't fit in this box: they are added where ⟦…⟧ stands "
            "when the mail is sent. Keep the ⟦…⟧ line to send them.") % {"n": len(o.lines)}
        warning = f"{warning}\n{note}" if warning else note
    meta = MailMetadata(o.id, draft.discrepancy_id, template, channel_id)
    labels = {value: _(label) for value, label in LABELS.items()}
    return render("mail_modal.json.j2", ids=MailActions, blocks=MailBlocks, labels=labels,
                  chosen=template, to=draft.to_address or "", subject=subject[:200],
                  body=body[:MODAL_BODY_MAX], headline=headline, warning=warning,
                  metadata=meta.dumps())


def mail_off_message() -> dict:
    return error_message("Customer email is not set up. An admin sets ORDERDESK_SMTP_URL "
                         "(smtp://user:pass@host:587, or smtps://… for TLS from the start) and "
                         "ORDERDESK_MAIL_FROM (the desk's address, e.g. orders@yourco.com) and "
                         "restarts Orderdesk; see README, Customer email. Nothing was queued.")


def dead_mails_message(mails, total: int) -> dict:
    """Mails the server refused for good (`/orders mail`), newest first, with how to resend."""
    rows = [f"`#{m.id}` {text.mrkdwn(m.order_ref or '—', 64)} to {text.mrkdwn(m.to_address)}: "
            f"{text.mrkdwn(m.subject, 100)} · {text.when(m.created_at)} · "
            f"_{text.mrkdwn(m.last_error or '', 200)}_" for m in mails]
    return undelivered_message(
        rows, total, what=f"customer mail{'s' * (total != 1)} not delivered",
        nothing="None: every mail went out.", fallback="Undelivered customer mail",
        hint="Fix the address on the customer (`/customer`) and send a new mail, or, when the "
             "server was at fault, `/orders mail retry <number>` or `/orders mail retry all`.")
