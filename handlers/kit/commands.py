"""Subcommand routing for the two slash commands several features share.

`/order SO-1042` looks an order up, `/order edit SO-1042` edits it, `/orders role ...`
sets a role. Bolt gives one listener per command, so each feature module adds its
subcommands here and the router installs the one listener.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from handlers.kit.reply import Reply
from messages import i18n
from messages.common import usage_message

if TYPE_CHECKING:
    from handlers.kit.listen import Request

    Listener = Callable[[Request], Reply]


# Subcommand keywords in other languages, each the English one it stands for. The English
# keywords work for everyone; help shows a reader the ones of their language.
ALIASES = {
    "es": {
        "/order": {"editar": "edit", "historial": "history", "nuevo": "new", "enviar": "ship",
                   "liberar": "release", "marcar": "flag", "cancelar": "cancel",
                   "devolver": "return"},
        "/orders": {"cola": "queue", "idioma": "language", "ruta": "route", "rol": "role",
                    "informe": "report", "resumen": "digest"},
    },
}
HELP_WORDS = frozenset({"help", "ayuda"})


def english_keyword(command: str, word: str) -> str:
    """The subcommand `word` stands for, in any language ("editar" -> "edit")."""
    word = word.lower()
    for commands in ALIASES.values():
        if word in commands.get(command, {}):
            return commands[command][word]
    return word


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    listener: Listener


class CommandRouter:
    def __init__(self, command: str):
        self.command = command
        self._subcommands: dict[str, Subcommand] = {}
        self._fallback: Listener | None = None

    def add(self, name: str, listener: Listener, *, usage: str, summary: str) -> None:
        self._subcommands[name] = Subcommand(name, usage, summary, listener)

    def fallback(self, listener: Listener, *, usage: str, summary: str) -> None:
        """What runs when the first word is not a subcommand (e.g. an order lookup)."""
        self._fallback = listener
        self._subcommands[""] = Subcommand("", usage, summary, listener)

    @property
    def subcommands(self) -> list[Subcommand]:
        return list(self._subcommands.values())

    def dispatch(self, request: Request) -> Reply:
        """The command's one listener: the subcommand sees only the text after its name."""
        head, _, rest = request.text.partition(" ")
        sub = self._subcommands.get(english_keyword(self.command, head))
        if sub and sub.name:
            return sub.listener(replace(request, text=rest.strip()))
        if self._fallback and request.text and head.lower() not in HELP_WORDS:
            return self._fallback(request)
        return Reply.message(usage_message(
            self.command,
            [(self._usage_for_reader(s), i18n.gettext(s.summary)) for s in self.subcommands],
            unknown=head if head and head.lower() not in HELP_WORDS else None))

    def _usage_for_reader(self, sub: Subcommand) -> str:
        """A subcommand's usage with the reader's own keyword, when their language has one
        ("/order editar <ref>  (edit)")."""
        aliases = ALIASES.get(i18n.language(), {}).get(self.command, {})
        alias = next((a for a, name in aliases.items() if name == sub.name), None)
        prefix = f"{self.command} {sub.name}"
        if alias is None or not sub.usage.startswith(prefix):
            return sub.usage
        return f"{self.command} {alias}{sub.usage[len(prefix):]}  ({sub.name})"
