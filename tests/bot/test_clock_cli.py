"""`orderdesk digest run`: a subscription's period through the claim (once), or an extra
digest of a period to a channel; refusals say what to do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text

from bot.cli import main as cli_main
from store import clock, schema
from store.metrics.subscriptions import subscribe_digest
from tests.support.metrics_desk import build_desk


@pytest.fixture
def cli_env(db, sb, monkeypatch):
    """The test database marked as migrated (the CLI refuses an old schema), and the
    environment the CLI reads."""
    url = db.engine.url.render_as_string(hide_password=False)
    config = schema.alembic_config(url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "head")
    for name, value in {"DATABASE_URL": url, "SLACK_BOT_TOKEN": sb.bot_token,
                        "SLACK_SIGNING_SECRET": "secret", "SLACK_API_URL": sb.api_url,
                        "ORDERDESK_TIMEZONE": "UTC"}.items():
        monkeypatch.setenv(name, value)
    yield db
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def main(argv: list[str]) -> int:
    """The command line on the test's clock."""
    return cli_main(argv, clock=clock.current())


def digests(sb, channel):
    return [m for m in sb.messages(channel) if m.blocks and m.blocks[0]["type"] == "header"]


def test_an_extra_digest_of_a_period_goes_to_the_channel_with_its_chart(cli_env, sb, capsys):
    build_desk(cli_env)
    code = main(["digest", "run", "--period", "weekly", "--channel", "C0WH",
                 "--at", "2026-11-04"])
    assert code == 0, capsys.readouterr().err
    (posted,) = digests(sb, "C0WH")
    assert posted.blocks[0]["text"]["text"] == "Weekly digest · Week 45 2026, 2–8 Nov 2026"
    assert sb.thread("C0WH", posted.ts)[0].files
    assert "posted ts=" in capsys.readouterr().out


def test_a_subscriptions_period_is_posted_once_from_the_command_line_too(cli_env, sb, capsys):
    sub = subscribe_digest(cli_env, period="weekly", channel_id="C0MGR", at_time="08:00",
                           timezone="UTC", actor="U0MGR1",
                           now=datetime(2026, 11, 1, tzinfo=UTC)).subscription
    args = ["digest", "run", "--subscription", str(sub.id), "--at", "2026-11-02"]
    assert main(args) == 0
    assert main(args) == 2
    assert "was already posted" in capsys.readouterr().err
    assert len(digests(sb, "C0MGR")) == 1


def test_a_period_not_over_is_refused_for_a_subscription(cli_env, sb, capsys):
    sub = subscribe_digest(cli_env, period="monthly", channel_id="C0MGR", at_time="08:00",
                           timezone="UTC", actor="U0MGR1").subscription
    today = clock.today().isoformat()
    assert main(["digest", "run", "--subscription", str(sub.id), "--at", today]) == 2
    assert "is not over yet" in capsys.readouterr().err and digests(sb, "C0MGR") == []


def test_a_period_without_a_channel_is_refused(cli_env, capsys):
    assert main(["digest", "run", "--period", "daily"]) == 2
    assert "--period needs --channel" in capsys.readouterr().err
