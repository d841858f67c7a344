"""Small messages every feature uses: usage, errors, confirmations."""

from __future__ import annotations

import re

from messages import i18n
from messages.i18n import _
from messages.render import render
from messages.text import mrkdwn, sections_of

CONFIRMATION_SECTIONS = 49  # Slack's 50 blocks a message; a confirmation is its sections
_SLACK_ID = re.compile(r"^[UWCGD][A-Z0-9]{2,}$")


def undelivered_message(rows: list[str], total: int, *, what: str, nothing: str, hint: str,
                        fallback: str) -> dict:
    """A list of things refused for good (posts, mails), newest first, with how to resend.
    `what`: the heading after the count, e.g. "posts Slack refused for good"."""
    shown = f" (newest {len(rows)})" if total > len(rows) else ""
    body = f"*{total} {what}*{shown}\n" + ("\n".join(rows) or f"_{nothing}_")
    return render("notice.json.j2", text=fallback, icon=":outbox_tray:", body=body,
                  hint=hint if total else None)


def _placeholder_words() -> dict[str, str]:
    """The words in a usage line that stand for what the person types (`<ref>`, `[reason]`),
    as opposed to the keywords typed as is (`mine`, `retry`), in the reader's language.
    Context "placeholder": "type" or "page" alone mean other things elsewhere."""
    words = ("ref", "reason", "what is wrong", "number", "customer code", "name or code",
             "SKU or part of the product name", "ref, PO, tracking number, customer, SKU",
             "type", "page", "timezone", "#channel", "YYYY-MM-DD")
    return dict(zip(words, (
        i18n.pgettext("placeholder", "ref"), i18n.pgettext("placeholder", "reason"),
        i18n.pgettext("placeholder", "what is wrong"), i18n.pgettext("placeholder", "number"),
        i18n.pgettext("placeholder", "customer code"),
        i18n.pgettext("placeholder", "name or code"),
        i18n.pgettext("placeholder", "SKU or part of the product name"),
        i18n.pgettext("placeholder", "ref, PO, tracking number, customer, SKU"),
        i18n.pgettext("placeholder", "type"), i18n.pgettext("placeholder", "page"),
        i18n.pgettext("placeholder", "timezone"), i18n.pgettext("placeholder", "#channel"),
        i18n.pgettext("placeholder", "YYYY-MM-DD")), strict=True))


_PLACEHOLDER = re.compile(
    r"(?<=[<\[|\s])("
    + "|".join(re.escape(w) for w in sorted(_placeholder_words(), key=len, reverse=True))
    + r")(?=[>\]|\s]|$)")


def usage_text(usage: str) -> str:
    """A usage line with its placeholders in the reader's language ("/order cancel <ref>
    [motivo]"); English unchanged."""
    if i18n.language() == i18n.ENGLISH:
        return usage
    words = _placeholder_words()
    return _PLACEHOLDER.sub(lambda m: words[m[1]], usage)


def usage_message(command: str, entries: list[tuple[str, str]], *,
                  unknown: str | None = None) -> dict:
    lines = [f"`{mrkdwn(usage_text(usage))}`  {mrkdwn(summary)}" for usage, summary in entries]
    return render("usage.json.j2", command=command, lines=lines, unknown=unknown)


def error_message(message: str, *, hint: str | None = None,
                  mentions: tuple[str, ...] = ()) -> dict:
    """A domain error, already phrased for people by store/errors.py, with `code` spans; user
    text inside it is escaped here. The people and channels it names (`mentions`, the error's
    own ids) are shown as mentions, not as escaped text."""
    return render("notice.json.j2", text=_mention(mrkdwn(message, 3000), mentions),
                  icon=":warning:", body=_mention(mrkdwn(message, 2900), mentions), hint=hint)


def _mention(text: str, ids: tuple[str, ...]) -> str:
    for slack_id in ids:
        if _SLACK_ID.match(slack_id or ""):
            text = (text.replace(f"&lt;@{slack_id}&gt;", f"<@{slack_id}>")
                    .replace(f"&lt;#{slack_id}&gt;", f"<#{slack_id}>"))
    return text


def unexpected_error_message(reference: str) -> dict:
    text = _("Something went wrong on our side and nothing was changed. If it happens again, "
             "give your admin this reference: %(reference)s") % {"reference": reference}
    return render("notice.json.j2", text=mrkdwn(text), icon=":x:", body=mrkdwn(text), hint=None)


def database_unavailable_message() -> dict:
    text = _("Orderdesk cannot reach its database right now, so this was not done. "
             "Try again in a minute.")
    return render("notice.json.j2", text=text, icon=":hourglass:", body=text, hint=None)


def confirmation_message(body: str, *, fallback: str | None = None) -> dict:
    """`body` is mrkdwn the caller built: user text in it must already be escaped.
    `fallback` (notification text) is plain and gets escaped here."""
    text = mrkdwn(fallback, 3000) if fallback else body
    # A return of 15 long lines, an edit of 20 fields: more than one section's 3,000
    # characters, which Slack refuses (the person saw no confirmation). Split at its lines.
    sections = sections_of((":white_check_mark: " + body).split("\n"),
                           most=CONFIRMATION_SECTIONS,
                           more=lambda n: _("…and %(n)s more") % {"n": n})
    return render("notice.json.j2", text=text, sections=sections, hint=None)


def with_note(message: dict, note: str) -> dict:
    """The message as a post of its own (no response_url fields), with a note under it saying
    why it arrived where it did."""
    blocks = [*message.get("blocks", []),
              {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}]
    rest = {k: v for k, v in message.items()
            if k not in ("response_type", "replace_original", "delete_original", "blocks")}
    return {**rest, "blocks": blocks}


def language_message(*, chosen: str | None) -> dict:
    """The answer to `/orders language`, rendered in the language now in force."""
    if chosen is None:
        text = _("I'll answer you in the language you use Slack in.")
    else:
        text = _("I'll answer you in {language} from now on. `/orders language auto` follows "
                 "your Slack language again.").format(language=i18n.language_name(chosen))
    return confirmation_message(text)
