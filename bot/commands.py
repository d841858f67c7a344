"""Subcommand routing for the two slash commands several features share.

`/order SO-1042` looks an order up, `/order edit SO-1042` edits it, `/orders role ...`
sets a role. Bolt gives one listener per command, so each feature module adds its
subcommands here and the router installs the one listener.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App

from messages.common import usage_message


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    listener: Callable[..., None]


class CommandRouter:
    def __init__(self, command: str):
        self.command = command
        self._subcommands: dict[str, Subcommand] = {}
        self._fallback: Callable[..., None] | None = None

    def add(self, name: str, listener: Callable[..., None], *, usage: str, summary: str) -> None:
        self._subcommands[name] = Subcommand(name, usage, summary, listener)

    def fallback(self, listener: Callable[..., None], *, usage: str, summary: str) -> None:
        """What runs when the first word is not a subcommand (e.g. an order lookup)."""
        self._fallback = listener
        self._subcommands[""] = Subcommand("", usage, summary, listener)

    @property
    def subcommands(self) -> list[Subcommand]:
        return list(self._subcommands.values())

    def install(self, app: App) -> None:
        app.command(self.command)(self._dispatch)

    def _dispatch(self, ack, command, client, context, logger, respond, body) -> None:
        text = (command.get("text") or "").strip()
        head, _, rest = text.partition(" ")
        sub = self._subcommands.get(head.lower())
        if sub and sub.name:
            command = {**command, "text": rest.strip()}
            return sub.listener(ack=ack, command=command, client=client, context=context,
                                logger=logger, respond=respond, body=body)
        if self._fallback and text and head.lower() != "help":
            return self._fallback(ack=ack, command=command, client=client, context=context,
                                  logger=logger, respond=respond, body=body)
        ack(usage_message(self.command, [(s.usage, s.summary) for s in self.subcommands],
                          unknown=head if head and head.lower() != "help" else None))
