"""Start-up that explains itself (issue 16 part 7): each bad start is one line naming the
variable and what to do, exit code 2, and no empty SQLite file left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox import SlackSandbox

ROOT = Path(__file__).resolve().parents[2]


def orderdesk(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "ORDERDESK_"))}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, text=True,
                          capture_output=True, env={**clean, **env}, timeout=60)


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_a_database_url_without_its_driver(tmp_path):
    line = one_line(orderdesk("db", "upgrade", DATABASE_URL="mysql://app:s3cret@db.example/od",
                              ORDERDESK_DATA_DIR=str(tmp_path)))
    assert line.startswith("orderdesk: DATABASE_URL=mysql://app:***@db.example/od")
    assert "postgresql://" in line and "s3cret" not in line


def test_an_unreachable_postgresql_server(tmp_path):
    line = one_line(orderdesk("clock", DATABASE_URL="postgresql://app:s3cret@127.0.0.1:1/od",
                              ORDERDESK_DATA_DIR=str(tmp_path)))
    assert "DATABASE_URL=" in line and "cannot connect" in line and "s3cret" not in line


def test_an_unwritable_sqlite_path_leaves_no_file(tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    target = tmp_path / "a-file" / "orderdesk.sqlite3"
    line = one_line(orderdesk("db", "upgrade", DATABASE_URL=f"sqlite:///{target}"))
    assert "DATABASE_URL=" in line and "cannot be opened" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_refused_start_on_a_new_sqlite_file_leaves_no_empty_file(tmp_path):
    line = one_line(orderdesk("clock", DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}"))
    assert "orderdesk db upgrade" in line
    assert list(tmp_path.iterdir()) == []


def test_an_uncreatable_data_dir(tmp_path):
    (tmp_path / "a-file").write_text("")
    line = one_line(orderdesk("db", "current", ORDERDESK_DATA_DIR=str(tmp_path / "a-file" / "d")))
    assert "ORDERDESK_DATA_DIR=" in line


@pytest.fixture
def slack():
    with SlackSandbox() as sandbox:
        yield sandbox


def test_a_bot_token_that_auth_test_refuses_is_reported_at_start_up(tmp_path, slack):
    line = one_line(orderdesk("serve", SLACK_BOT_TOKEN="xoxb-revoked", SLACK_SIGNING_SECRET="s",
                              SLACK_API_URL=slack.api_url, ORDERDESK_DATA_DIR=str(tmp_path)))
    assert "SLACK_BOT_TOKEN" in line and "invalid_auth" in line
    assert [c.error for c in slack.calls("auth.test")] == ["invalid_auth"]
    assert list(tmp_path.iterdir()) == []  # refused before the database was opened
