"""users.info and conversations.info tell guests, other organisations and shared channels
apart, as Slack does (issue 16, part 4); deactivated people are still described."""

import pytest
from slack_sdk.errors import SlackApiError


def test_users_info_flags_guests_strangers_and_other_organisations(sb, client):
    sb.add_user("U0MULTI", "multi", guest="multi")
    sb.add_user("U0SINGLE", "single", guest="single")
    sb.add_user("U0EXT", "ext", team_id="T0OTHER")
    sb.add_user("U0STR", "str", team_id="T0OTHER", stranger=True)
    info = {u: client.users_info(user=u)["user"]
            for u in ("U0MULTI", "U0SINGLE", "U0EXT", "U0STR")}
    assert (info["U0MULTI"]["is_restricted"], info["U0MULTI"]["is_ultra_restricted"]) == (
        True, False)
    assert (info["U0SINGLE"]["is_restricted"], info["U0SINGLE"]["is_ultra_restricted"]) == (
        True, True)
    assert info["U0EXT"]["team_id"] == "T0OTHER" and "is_stranger" not in info["U0EXT"]
    assert info["U0STR"]["is_stranger"] is True
    home = client.auth_test()["team_id"]
    assert client.users_info(user="U0BOT")["user"]["team_id"] == home


def test_conversations_info_says_which_channels_are_shared(sb, client):
    sb.add_channel("C0EXT", "with-beta", ext_shared=True)
    sb.add_channel("C0OWN", "ours")
    shared = client.conversations_info(channel="C0EXT")["channel"]
    own = client.conversations_info(channel="C0OWN")["channel"]
    assert (shared["is_ext_shared"], shared["is_shared"]) == (True, True)
    assert (own["is_ext_shared"], own["is_shared"]) == (False, False)


def test_users_info_still_describes_deactivated_people_and_refuses_unknown_ids(sb, client):
    sb.add_user("U0GONE", "gone", deleted=True)
    assert client.users_info(user="U0GONE")["user"]["deleted"] is True
    assert client.users_info(user="U0SALES1")["user"]["deleted"] is False
    with pytest.raises(SlackApiError) as refused:
        client.users_info(user="U0NOBODY")
    assert refused.value.response["error"] == "user_not_found"
