"""manifest.json is what an admin pastes into Slack: everything it declares must be handled."""

import json
from pathlib import Path

import pytest

from bench.app_stack import CHANNEL, PROCESSOR

MANIFEST = json.loads((Path(__file__).parents[2] / "manifest.json").read_text())
COMMANDS = [c["command"] for c in MANIFEST["features"]["slash_commands"]]


def test_the_manifest_points_every_url_at_the_one_events_endpoint():
    settings = MANIFEST["settings"]
    urls = [c["url"] for c in MANIFEST["features"]["slash_commands"]] + [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        settings["interactivity"]["message_menu_options_url"],
    ]
    assert {u.rsplit("/", 2)[-2:] == ["slack", "events"] for u in urls} == {True}
    assert all(c["should_escape"] for c in MANIFEST["features"]["slash_commands"])


@pytest.mark.parametrize("command", COMMANDS)
def test_every_declared_command_answers_help(stack, command):
    delivery = stack.sb.slash(command, "help", user=PROCESSOR, channel=CHANNEL)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    assert command in json.dumps(stack.sb.ephemerals(user=PROCESSOR)[-1].blocks)


@pytest.mark.parametrize("event", [{"type": "app_uninstalled"},
                                   {"type": "tokens_revoked",
                                    "tokens": {"oauth": [], "bot": ["U0BOT"]}}])
def test_being_uninstalled_or_revoked_is_acknowledged(stack, event):
    """Both are declared: unanswered (404), Slack sends them again and again."""
    assert event["type"] in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    delivery = stack.sb.send_event(event)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
