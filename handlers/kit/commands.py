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
from messages.common import usage_message

if TYPE_CHECKING:
    from handlers.kit.listen import Request

    Listener = Callable[[Request], Reply]


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
        sub = self._subcommands.get(head.lower())
        if sub and sub.name:
            return sub.listener(replace(request, text=rest.strip()))
        if self._fallback and request.text and head.lower() != "help":
            return self._fallback(request)
        return Reply.message(usage_message(
            self.command, [(s.usage, s.summary) for s in self.subcommands],
            unknown=head if head and head.lower() != "help" else None))
