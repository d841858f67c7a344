"""The whole stack for end-to-end tests: the Slack sandbox and Orderdesk talking over real
HTTP, with real signatures, on the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from slack_sdk import WebClient

from bot.config import Settings
from bot.console import DEMO_ADMIN, DEMO_ROLES, start_stack
from jobs import outbox as delivery
from jobs.renderers import Renderers, renderer_table
from sandbox import SlackSandbox
from store.db import Database
from store.workspace.roles import set_role
from tests.store.test_orders_builder import build

PROCESSOR, SALES, MANAGER, ADMIN = "U0PROC1", "U0SALES1", "U0MGR1", DEMO_ADMIN
CHANNEL = "C0ORDERS"


@dataclass
class Stack:
    sb: SlackSandbox
    db: Database
    settings: Settings


@dataclass
class OnStack:
    """Base of the feature helpers (triage, fulfilment): the stack plus the desk's ids."""

    stack: Stack
    ids: dict

    @property
    def sb(self) -> SlackSandbox:
        return self.stack.sb

    @property
    def db(self) -> Database:
        return self.stack.db

    def client(self) -> WebClient:
        return WebClient(base_url=self.sb.api_url, token=self.sb.bot_token)

    @property
    def renderers(self) -> Renderers:
        """The outbox's renderer table, as the app's processes build it from the settings."""
        return renderer_table(self.stack.settings.audience)

    def deliver(self) -> None:
        """What the web process does after a commit (and the clock every few seconds)."""
        delivery.kick(self.db, self.client(), self.renderers)


@pytest.fixture
def stack(db):
    settings = Settings.from_env({"ORDERDESK_ADMINS": ADMIN})
    sandbox, running, app_settings = start_stack(settings, db=db)
    for user_id, role in DEMO_ROLES.items():
        set_role(db, actor=ADMIN, user_id=user_id, role=role, admins=frozenset({ADMIN}),
                 default_role=settings.default_role)
    yield Stack(sb=sandbox, db=db, settings=app_settings)
    running.stop()
    sandbox.stop()


@pytest.fixture
def desk(stack):
    """The small hand-made desk (SO-1042..SO-1046) in the stack's database."""
    return build(stack.db)
