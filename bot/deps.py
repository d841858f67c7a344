"""What every handler module gets from the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.commands import CommandRouter
from bot.config import Settings
from store.db import Database


@dataclass(frozen=True)
class Deps:
    settings: Settings
    db: Database
    # Deliver queued Slack posts (store.outbox) soon after a commit, off the request thread:
    # called as deps.kick_outbox(deps.db, client); bot/app.py passes jobs.outbox.kick.
    kick_outbox: Callable[..., None]
    order_command: CommandRouter = field(default_factory=lambda: CommandRouter("/order"))
    orders_command: CommandRouter = field(default_factory=lambda: CommandRouter("/orders"))

    def require(self, user_id: str, action: str):
        """Check the user's role for `action` on every entry point; raises NotAllowed."""
        from store.workspace import require

        return require(self.db, user_id=user_id, action=action, admins=self.settings.admins,
                       default_role=self.settings.default_role)
