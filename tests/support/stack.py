"""The whole stack for end-to-end tests: the Slack sandbox and Orderdesk talking over real
HTTP, with real signatures, on the test database (SQLite or PostgreSQL). The stack's kit
(Stack, the users, the triage helpers) is bench/app_stack.py, which the bench shares."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from bench.app_stack import ADMIN, Stack
from bot.config import Settings
from bot.console import DEMO_NAMES, DEMO_ROLES, start_stack
from store.workspace.roles import set_role
from tests.support.desk import build


@contextmanager
def running_stack(db, env: dict | None = None):
    """The stack with the settings `env` adds (customer email's, say), the demo roles set."""
    settings = Settings.from_env({"ORDERDESK_ADMINS": ADMIN, **(env or {})})
    sandbox, running, app_settings = start_stack(settings, db=db)
    for user_id, role in DEMO_ROLES.items():
        set_role(db, actor=ADMIN, user_id=user_id, role=role, admins=frozenset({ADMIN}),
                 default_role=settings.default_role, display_name=DEMO_NAMES[user_id])
    try:
        yield Stack(sb=sandbox, db=db, settings=app_settings)
    finally:
        running.stop()
        sandbox.stop()


@pytest.fixture
def stack(db):
    with running_stack(db) as running:
        yield running


@pytest.fixture
def desk(stack):
    """The small hand-made desk (SO-1042..SO-1046) in the stack's database."""
    return build(stack.db)
