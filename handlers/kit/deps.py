"""What every listener gets from the composition root (bot/app.py builds it)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Protocol

from slack_sdk import WebClient

from handlers.kit.commands import CommandRouter
from handlers.kit.language import ChosenLanguages
from store.db import Database
from store.enums import Role


class DeskSettings(Protocol):
    """The settings listeners read: bot/config.py's Settings has them (handlers see only
    these, never bot/)."""

    admins: Collection[str]
    default_role: Role
    timezone: str
    rep_visibility: str
    ref_prefix: str
    public_url: str | None
    smtp_url: str | None  # customer email (handlers/mail.py): off without both
    mail_from: str | None
    default_locale: str


@dataclass(frozen=True)
class Deps:
    settings: DeskSettings
    db: Database
    # Deliver queued Slack posts (store.outbox) soon after a commit, off the request thread:
    # called as kick_outbox(db, client). bot/app.py passes the outbox worker's kick.
    kick_outbox: Callable[[Database, WebClient], None]
    # Send queued customer mail soon (jobs.mail.kick, bound by bot/app.py); a no-op without
    # SMTP settings.
    kick_mail: Callable[[Database], None] = lambda db: None
    order_command: CommandRouter = field(default_factory=lambda: CommandRouter("/order"))
    orders_command: CommandRouter = field(default_factory=lambda: CommandRouter("/orders"))
    # People's language choices, kept briefly (handlers.kit.language).
    languages: ChosenLanguages = field(default_factory=ChosenLanguages)
