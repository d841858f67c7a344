"""OAuth scopes (issue 16 part 7): the bot token holds the manifest's bot scopes, and a Web API
call without its scope is refused as Slack refuses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError

from sandbox.scopes import FIXED, manifest_bot_scopes

MANIFEST = json.loads((Path(__file__).resolve().parents[2] / "manifest.json").read_text())


def test_the_bot_token_holds_the_manifests_bot_scopes(sb):
    assert sb.ws.bot_scopes == frozenset(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert manifest_bot_scopes() == sb.ws.bot_scopes


def test_a_call_without_its_scope_is_refused_with_needed_and_provided(sb, client):
    sb.ws.bot_scopes = frozenset({"users:read"})
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="#orders", text="hello")
    body = info.value.response.data
    assert (body["ok"], body["error"], body["needed"], body["provided"]) == (
        False, "missing_scope", "chat:write", "users:read")
    assert sb.messages("#orders") == []
    assert client.users_info(user="U0BOT")["ok"]  # the scope it has still works


def test_reading_a_private_channel_needs_groups_not_channels(sb, client):
    private = sb.add_channel("C0SECRET", "secret-desk", is_private=True)
    sb.ws.bot_scopes = frozenset({"channels:read"})
    with pytest.raises(SlackApiError) as info:
        client.conversations_info(channel=private.id)
    assert info.value.response["needed"] == "groups:read"


def test_every_scope_a_method_needs_of_the_app_is_in_the_manifest():
    """The Web API methods Orderdesk calls, by the scope each needs."""
    used = {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.unfurl",
            "users.info", "files.getUploadURLExternal", "files.completeUploadExternal"}
    assert {FIXED[m] for m in used} <= set(MANIFEST["oauth_config"]["scopes"]["bot"])


def test_a_deactivation_is_sent_as_user_change_only_with_users_read(sb, client, app):
    seen = []
    app.event("user_change")(lambda event: seen.append(event))
    sb.add_user("U0LEFT", "left")
    sb.ws.bot_scopes = frozenset({"chat:write"})
    assert not sb.deactivate("U0LEFT").sent  # Slack sends user_change only to users:read
    sb.ws.users["U0LEFT"].deleted = False
    sb.ws.bot_scopes = frozenset({"chat:write", "users:read"})
    delivery = sb.deactivate("U0LEFT")
    assert delivery.status == 200 and not delivery.problems
    sb.wait_for(lambda: seen)
    assert (seen[0]["user"]["id"], seen[0]["user"]["deleted"]) == ("U0LEFT", True)
    assert client.users_info(user="U0LEFT")["user"]["deleted"] is True
    # and Slack still takes the app's post to their DM, as it does for a deactivated person
    assert client.chat_postMessage(channel="U0LEFT", text="still accepted")["ok"]
