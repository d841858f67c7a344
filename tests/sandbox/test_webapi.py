"""The Web API as the real slack_sdk WebClient sees it."""

from __future__ import annotations

import json
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.functions import Execution
from tests.support.sandbox import button, modal, section


def error_of(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value


def test_auth_test_names_the_bot(client):
    resp = client.auth_test()
    assert (resp["user_id"], resp["bot_id"], resp["team_id"]) == ("U0BOT", "B0BOT", "T0ORDERDESK")


def test_a_bad_or_missing_token_is_refused(sb):
    bad = WebClient(base_url=sb.api_url, token="xoxb-wrong")
    assert error_of(bad.auth_test).response["error"] == "invalid_auth"
    anonymous = WebClient(base_url=sb.api_url)
    assert error_of(anonymous.auth_test).response["error"] == "not_authed"


def test_token_may_come_as_a_form_param(sb):
    req = urllib.request.Request(sb.api_url + "auth.test", data=b"token=xoxb-sandbox")
    with urllib.request.urlopen(req) as resp:
        assert json.loads(resp.read())["ok"] is True


def test_post_message_returns_unique_increasing_ts_and_is_stored(sb, client):
    first = client.chat_postMessage(channel="C0ORDERS", text="one")
    second = client.chat_postMessage(channel="#orders", text="two", blocks=[section("*two*")])
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["text"] == "one" and second["channel"] == "C0ORDERS"
    stored = sb.messages("C0ORDERS")
    assert [m.text for m in stored] == ["one", "two"]
    assert stored[1].blocks[0]["block_id"]  # Slack assigns block ids
    assert stored[1].user == "U0BOT"


def test_post_message_errors(sb, client):
    assert error_of(lambda: client.chat_postMessage(channel="C0NOPE", text="x")).response[
        "error"] == "channel_not_found"
    with pytest.warns(UserWarning):  # slack_sdk also warns about the missing text
        assert error_of(lambda: client.chat_postMessage(channel="C0ORDERS")).response[
            "error"] == "no_text"
    sb.add_channel("C0OUT", "outside", bot_member=False)
    assert error_of(lambda: client.chat_postMessage(channel="C0OUT", text="x")).response[
        "error"] == "not_in_channel"
    sb.add_channel("C0SECRET", "secret", is_private=True, bot_member=False)
    assert error_of(lambda: client.chat_postMessage(channel="C0SECRET", text="x")).response[
        "error"] == "channel_not_found"


def test_invalid_blocks_are_answered_with_readable_errors(client):
    err = error_of(lambda: client.chat_postMessage(
        channel="C0ORDERS", text="x", blocks=[section("a"), section("b" * 3001)]))
    assert err.response["error"] == "invalid_blocks"
    assert err.response["errors"] == ["blocks[1].text.text: 3001 characters, max 3000"]


def test_posting_to_a_user_id_lands_in_their_dm(sb, client):
    resp = client.chat_postMessage(channel="U0SALES1", text="psst")
    assert resp["channel"] == sb.im_channel("U0SALES1")
    assert sb.messages("U0SALES1")[0].text == "psst"


def test_thread_replies_and_conversations_replies(sb, client):
    parent = client.chat_postMessage(channel="C0ORDERS", text="parent")["ts"]
    reply = client.chat_postMessage(channel="C0ORDERS", text="r1", thread_ts=parent)["ts"]
    client.chat_postMessage(channel="C0ORDERS", text="r2", thread_ts=reply)  # reply to reply
    assert [m.text for m in sb.thread("C0ORDERS", parent)] == ["r1", "r2"]
    assert [m.text for m in sb.messages("C0ORDERS")] == ["parent"]
    replies = client.conversations_replies(channel="C0ORDERS", ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["parent", "r1", "r2"]
    assert replies[0]["reply_count"] == 2
    assert error_of(lambda: client.conversations_replies(channel="C0ORDERS", ts="1.2")).response[
        "error"] == "thread_not_found"


def test_update_keeps_blocks_unless_given_and_marks_edited(sb, client):
    ts = client.chat_postMessage(channel="C0ORDERS", text="v1", blocks=[section("card")])["ts"]
    client.chat_update(channel="C0ORDERS", ts=ts, text="v2")
    msg = sb.last_message("C0ORDERS")
    assert (msg.text, msg.edited, msg.blocks[0]["text"]["text"]) == ("v2", True, "card")
    assert error_of(lambda: client.chat_update(channel="C0ORDERS", ts="1.000001", text="x")
                    ).response["error"] == "message_not_found"


def test_the_bot_cannot_edit_or_delete_a_human_message(sb, client, app):
    sb.say("hello", user="U0SALES1", channel="C0ORDERS")
    ts = sb.last_message("C0ORDERS").ts
    assert error_of(lambda: client.chat_update(channel="C0ORDERS", ts=ts, text="x")).response[
        "error"] == "cant_update_message"
    assert error_of(lambda: client.chat_delete(channel="C0ORDERS", ts=ts)).response[
        "error"] == "cant_delete_message"


def test_delete_hides_the_message(sb, client):
    ts = client.chat_postMessage(channel="C0ORDERS", text="oops")["ts"]
    client.chat_delete(channel="C0ORDERS", ts=ts)
    assert sb.messages("C0ORDERS") == []
    assert sb.messages("C0ORDERS", include_deleted=True)[0].deleted


def test_ephemeral_goes_to_one_member(sb, client):
    resp = client.chat_postEphemeral(channel="C0ORDERS", user="U0SALES1", text="just you")
    [eph] = sb.ephemerals(user="U0SALES1")
    assert (eph.ts, eph.text, eph.is_ephemeral) == (resp["message_ts"], "just you", True)
    assert sb.messages("C0ORDERS") == [] and sb.ephemerals(user="U0PROC1") == []
    sb.add_user("U0NEW", "nina")
    assert error_of(lambda: client.chat_postEphemeral(channel="C0ORDERS", user="U0NEW", text="x")
                    ).response["error"] == "user_not_in_channel"


def test_permalink_history_users_and_conversations(sb, client):
    ts = client.chat_postMessage(channel="C0ORDERS", text="a")["ts"]
    client.chat_postMessage(channel="C0ORDERS", text="b")
    link = client.chat_getPermalink(channel="C0ORDERS", message_ts=ts)["permalink"]
    assert link.endswith("/archives/C0ORDERS/p" + ts.replace(".", ""))
    history = client.conversations_history(channel="C0ORDERS", limit=1)
    assert [m["text"] for m in history["messages"]] == ["b"] and history["has_more"]
    assert client.users_info(user="U0PROC1")["user"]["name"] == "priya"
    assert error_of(lambda: client.users_info(user="U0NOPE")).response["error"] == "user_not_found"
    names = {m["name"] for m in client.users_list()["members"]}
    assert {"ada", "priya", "sam", "sofia", "max", "orderdesk"} <= names
    assert client.conversations_info(channel="C0TRIAGE")["channel"]["name"] == "order-triage"
    assert "U0MGR1" in client.conversations_members(channel="C0MGR")["members"]
    dm = client.conversations_open(users="U0SALES2")["channel"]["id"]
    assert dm == sb.im_channel("U0SALES2")


def test_views_publish_and_update_with_hash(sb, client):
    home = {"type": "home", "blocks": [section("Welcome")]}
    view = client.views_publish(user_id="U0MGR1", view=home)["view"]
    assert sb.home("U0MGR1").blocks[0]["text"]["text"] == "Welcome"
    updated = client.views_update(view_id=view["id"], hash=view["hash"],
                                  view={"type": "home", "blocks": [section("Again")]})["view"]
    assert updated["hash"] != view["hash"]
    stale = error_of(lambda: client.views_update(view_id=view["id"], hash=view["hash"], view=home))
    assert stale.response["error"] == "hash_conflict"
    missing = error_of(lambda: client.views_update(view_id="V0NOPE", view=home))
    assert missing.response["error"] == "view_not_found"


def test_invalid_views_are_answered_with_invalid_arguments(client):
    err = error_of(lambda: client.views_publish(
        user_id="U0MGR1", view={"type": "home", "blocks": [section("x" * 3001)]}))
    assert err.response["error"] == "invalid_arguments"
    assert err.response["response_metadata"]["messages"] == [
        "[ERROR] view.blocks[0].text.text: 3001 characters, max 3000"]


def test_views_open_needs_a_real_trigger(client):
    err = error_of(lambda: client.views_open(trigger_id="made.up", view=modal()))
    assert err.response["error"] == "invalid_trigger_id"


def test_files_upload_v2_goes_through_all_three_steps(sb, client):
    resp = client.files_upload_v2(channel="C0WH", content=b"sku,qty\nA,1\n", filename="pick.csv",
                                  title="Pick list", initial_comment="today's picks")
    assert resp["file"]["title"] == "Pick list"
    assert [c.method for c in sb.calls()][-3:] == [
        "files.getUploadURLExternal", "files.upload", "files.completeUploadExternal"]
    [file] = sb.files("C0WH")
    assert file.data == b"sku,qty\nA,1\n"
    msg = sb.last_message("C0WH")
    assert msg.text == "today's picks" and msg.files[0]["name"] == "pick.csv"
    with urllib.request.urlopen(resp["file"]["url_private"]) as download:
        assert download.read() == b"sku,qty\nA,1\n"


def test_every_call_is_recorded(sb, client):
    client.chat_postMessage(channel="C0ORDERS", text="x", blocks=[
        {"type": "actions", "elements": [button("go")]}])
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0NOPE", text="x")
    calls = sb.calls("chat.postMessage")
    assert [(c.ok, c.error) for c in calls] == [(True, None), (False, "channel_not_found")]
    assert calls[0].params["blocks"][0]["elements"][0]["action_id"] == "go"  # JSON decoded
    sb.reset_calls()
    assert sb.calls() == []


def test_reactions_and_conversations_list(sb, client):
    sb.ws.bot_scopes |= {"reactions:write"}  # Orderdesk's manifest doesn't ask for it
    ts = client.chat_postMessage(channel="C0TRIAGE", text="fixed")["ts"]
    client.reactions_add(channel="C0TRIAGE", timestamp=ts, name="white_check_mark")
    assert sb.last_message("C0TRIAGE").reactions == {"white_check_mark": ["U0BOT"]}
    assert error_of(lambda: client.reactions_add(channel="C0TRIAGE", timestamp=ts,
                                                 name="white_check_mark")
                    ).response["error"] == "already_reacted"
    client.reactions_remove(channel="C0TRIAGE", timestamp=ts, name="white_check_mark")
    assert sb.last_message("C0TRIAGE").reactions == {}
    sb.add_channel("C0PRIV", "vip-orders", is_private=True)
    public = {c["name"] for c in client.conversations_list()["channels"]}
    both = {c["name"] for c in client.conversations_list(
        types="public_channel,private_channel")["channels"]}
    assert public == {"orders", "order-triage", "desk-managers", "warehouse"}
    assert both == public | {"vip-orders"}


def test_urls_exist_only_once_started():
    from sandbox import SlackSandbox

    box = SlackSandbox()
    assert getattr(box, "api_url", None) is None
    with pytest.raises(RuntimeError):
        box.api_url  # noqa: B018
    with box:
        assert box.api_url.startswith("http://127.0.0.1:") and box.api_url.endswith("/api/")


def test_views_publish_refuses_the_way_slack_does(sb, client):
    home = {"type": "home", "blocks": [section("Hi")]}
    for user in ("U0NOPE", "U0BOT", ""):
        err = error_of(lambda u=user: client.views_publish(user_id=u, view=home))
        assert err.response["error"] == "invalid_arguments"
        assert err.response["response_metadata"]["messages"] == ["[ERROR] invalid `user_id`"]
    modal_view = error_of(lambda: client.views_publish(user_id="U0MGR1", view=modal()))
    assert modal_view.response["error"] == "invalid_arguments"
    too_many = {"type": "home", "blocks": [section(f"{i}") for i in range(101)]}
    err = error_of(lambda: client.views_publish(user_id="U0MGR1", view=too_many))
    assert err.response["response_metadata"]["messages"] == [
        "[ERROR] view.blocks: 101 blocks, max 100"]
    huge = {"type": "home", "private_metadata": "x",
            "blocks": [section("y" * 2900) for _ in range(90)]}
    assert error_of(lambda: client.views_publish(user_id="U0MGR1", view=huge)).response[
        "error"] == "view_too_large"
    assert sb.home("U0MGR1") is None
    sb.ws.home_tab_enabled = False
    assert error_of(lambda: client.views_publish(user_id="U0MGR1", view=home)).response[
        "error"] == "not_enabled"


STEP = {"title": "Look up", "input_parameters": {"ref": {"type": "string", "is_required": True}},
        "output_parameters": {"status": {"type": "string", "is_required": True},
                              "note": {"type": "string"}}}


def test_a_workflow_step_completes_once_with_outputs_its_manifest_declares(sb, app):
    sb.define_functions({"lookup": STEP})
    seen = []

    @app.function("lookup")
    def on_lookup(inputs, complete, fail, body):
        seen.append(body["event"])
        if inputs["ref"] == "bad":
            fail("No order bad")
        else:
            complete(outputs={"status": "open"})

    d = sb.run_function("lookup", {"ref": "SO-1"})
    assert d.status == 200 and not d.problems
    sb.wait_for(lambda: sb.execution(d.execution_id).state == "completed")
    assert sb.execution(d.execution_id).outputs == {"status": "open"}
    event = seen[0]
    assert event["function"]["callback_id"] == "lookup" and event["inputs"] == {"ref": "SO-1"}
    assert event["bot_access_token"].startswith("xwfp-")
    failed = sb.run_function("lookup", {"ref": "bad"})
    sb.wait_for(lambda: sb.execution(failed.execution_id).state == "failed")
    assert sb.execution(failed.execution_id).error == "No order bad"
    with pytest.raises(ValueError):
        sb.run_function("lookup", {})


def test_a_user_context_input_is_the_person_who_ran_the_workflow(sb, app):
    """Workflow Builder shows no field for a user_context: Slack sets it from whoever ran the
    workflow, as {"id", "secret"}; a builder can't type one in."""
    sb.define_functions({"whoami": {**STEP, "input_parameters": {
        "who": {"type": "slack#/types/user_context", "is_required": True}}}})
    seen = []

    @app.function("whoami")
    def on_whoami(inputs, complete):
        seen.append(inputs["who"])
        complete(outputs={"status": "ok"})

    d = sb.run_function("whoami", {}, run_by="U0PROC1")
    sb.wait_for(lambda: sb.execution(d.execution_id).state == "completed")
    assert seen[0]["id"] == "U0PROC1" and len(seen[0]["secret"]) == 32
    with pytest.raises(ValueError, match="set by Slack"):
        sb.run_function("whoami", {"who": {"id": "U0MGR1", "secret": "x"}}, run_by="U0PROC1")
    with pytest.raises(ValueError, match="requires"):  # nobody ran it (a scheduled trigger)
        sb.run_function("whoami", {})


def test_completions_are_refused_the_way_slack_refuses_them(sb, client):
    sb.define_functions({"lookup": STEP})
    sb.ws.executions["Fx1"] = Execution(
        id="Fx1", callback_id="lookup", inputs={}, token="xwfp-1")
    for outputs in ({"status": "open", "extra": 1}, {"note": "x"}):
        err = error_of(lambda o=outputs: client.functions_completeSuccess(
            function_execution_id="Fx1", outputs=o))
        assert err.response["error"] == "parameter_validation_failed"
    client.functions_completeSuccess(function_execution_id="Fx1", outputs={"status": "open"})
    again = error_of(lambda: client.functions_completeError(function_execution_id="Fx1",
                                                            error="late"))
    assert again.response["error"] == "execution_not_in_running_state"
    assert error_of(lambda: client.functions_completeSuccess(
        function_execution_id="Fx404", outputs={})).response["error"] == \
        "function_execution_not_found"


def test_users_info_tells_the_locale_only_when_asked_as_slack_does(sb, client):
    sb.add_user("U0ES1", "lucia", locale="es-ES")
    assert "locale" not in client.users_info(user="U0ES1")["user"]
    assert client.users_info(user="U0ES1", include_locale=True)["user"]["locale"] == "es-ES"
    assert client.users_info(user="U0PROC1", include_locale=True)["user"]["locale"] == "en-US"
