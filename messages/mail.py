"""Customer mail text and the Slack pieces around it.

Mail text is not Slack: its templates (messages/templates/mail/*.txt.j2) are plain text, so
they render with autoescape off and none of Block Kit's mrkdwn escaping (a customer would see
"&amp;"); they live here rather than in store/mail because store may not import jinja2 and
messages/ is where views become words. A template's first line is "Subject: ...". They take
only the order's customer-facing fields (ref, PO, lines, amounts, dates, address, tracking):
never its notes, costs, events or other customers.
"""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from messages import text
from messages.render import TEMPLATES
from store.views.mail import MailDraft, MailNote

LABELS = {"price_confirmation": "Price confirmation", "stock_shortfall": "Stock shortfall",
          "address_check": "Address check", "payment_failed": "Payment failed",
          "delay_notice": "Delay notice", "shipped": "Shipped (tracking)",
          "return_refund": "Return received / refund"}

_env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                   autoescape=False, trim_blocks=True, lstrip_blocks=True, auto_reload=False)
_env.filters.update(money=text.money, day=text.day)


def render_mail(template: str, draft: MailDraft) -> tuple[str, str]:
    """(subject, body) of `template` for the draft's order."""
    rendered = _env.get_template(f"mail/{template}.txt.j2").render(
        o=draft.order, evidence=draft.evidence)
    first, _, body = rendered.partition("\n")
    return first.removeprefix("Subject:").strip(), body.strip() + "\n"


def mail_note_message(note: MailNote) -> dict:
    """The thread line about a mail: who emailed whom, or what the customer answered."""
    subject = text.mrkdwn(note.subject, 150)
    if note.kind == "sent":
        line = (f":outbox_tray: <@{note.actor}> emailed {text.mrkdwn(note.address)}: "
                f"*{subject}*" if note.actor != "system" else
                f":outbox_tray: Orderdesk emailed {text.mrkdwn(note.address)}: *{subject}*")
        return {"text": line, "blocks": [_section(line)]}
    head = (f":incoming_envelope: {text.mrkdwn(note.address)} replied: *{subject}*"
            if note.kind == "reply" else
            f":incoming_envelope: Mail from {text.mrkdwn(note.address)} matching no order: "
            f"*{subject}*")
    quoted = "\n".join(f"> {line}" for line in text.mrkdwn(note.text, 2500).split("\n"))
    return {"text": head, "blocks": [_section(head), _section(quoted or "> (no text)")]}


def _section(line: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": line[:3000]}}
