"""`/orders language es|en|auto`: the language Orderdesk answers a person in (issue #21).
`auto` forgets the choice: Slack's locale, then the workspace default, decide again."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Reply, Request
from handlers.kit.language import locale_of
from messages import i18n
from messages.common import language_message
from messages.i18n import N_
from store.workspace import set_language

USAGE = "/orders language es|en|auto"


def register(app: App, deps: Deps) -> None:
    deps.orders_command.add("language", on_language_command, usage=USAGE,
                            summary=N_("the language Orderdesk answers you in (everyone)"))


def on_language_command(request: Request) -> Reply:
    # Anyone may choose their own language: it changes nothing anyone else sees.
    kept = set_language(request.deps.db, user_id=request.user, language=request.text,
                        offered=i18n.LANGUAGES)
    request.deps.languages.forget(request.user)
    with i18n.using(locale_of(request)):  # the answer already in the language now in force
        return Reply.message(language_message(chosen=kept))
