"""The database away (a restart, a failover): people and intake clients get a clear answer
that nothing was saved and to try again, never an "unexpected error" or a bare HTTP 500.
Found by bench/faults.py (PostgreSQL restarted mid-traffic)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from bench.app_stack import CHANNEL, PROCESSOR, SECRET, order
from bot.config import Settings
from bot.console import start_stack
from store.db import open_database
from tests.support.intake import post


@pytest.fixture
def down(database_url, tmp_path):
    """The app on a database of the suite's dialect that does not answer."""
    url = ("postgresql://root@127.0.0.1:1/orderdesk_down" if database_url.startswith("postgres")
           else f"sqlite:///{tmp_path / 'no-such-dir' / 'orderdesk.sqlite3'}")
    db = open_database(url)
    settings = Settings.from_env({"ORDERDESK_INTAKE_SECRET": SECRET})
    sandbox, running, _ = start_stack(settings, db=db)
    yield sandbox
    running.stop()
    sandbox.stop()
    db.dispose()


def test_intake_answers_503_with_retry_after_and_says_to_resend(down):
    status, answer = post(SimpleNamespace(sb=down), order("WEB-DOWN-1"))
    assert (status, answer["ok"], answer["field"]) == (503, False, None)
    assert "nothing was saved" in answer["error"] and "again" in answer["error"]


def test_a_slash_command_says_the_database_is_unreachable(down):
    delivery = down.slash("/order", "SO-1042", user=PROCESSOR, channel=CHANNEL)
    assert delivery.status == 200, delivery.problems
    text = json.dumps(delivery.body)
    assert "cannot reach its database" in text and "reference" not in text
