"""A real Bolt app and the sandbox talking both ways: commands, buttons, response URLs."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from tests.support.sandbox import button, section


def card(order: str = "SO-1042") -> list[dict]:
    return [section(f"*{order}* for Acme"),
            {"type": "actions", "elements": [button("claim", "Claim", order),
                                             button("drop", "Drop", order)]}]


def test_slash_ack_text_is_shown_to_the_user_only(sb, app):
    app.command("/order")(lambda ack, command: ack(f"Looking up {command['text']}"))
    delivery = sb.slash("/order", "SO-1042", user="U0PROC1", channel="C0ORDERS")
    assert delivery.status == 200 and delivery.ack_ms < 3000 and not delivery.late
    [eph] = sb.ephemerals(user="U0PROC1", channel="C0ORDERS")
    assert eph.text == "Looking up SO-1042"
    assert sb.messages("C0ORDERS") == []
    assert sb.acks[-1].kind == "slash_command" and sb.acks[-1].name == "/order"


def test_slash_ack_in_channel_is_posted_for_everyone(sb, app):
    app.command("/order")(lambda ack: ack(response_type="in_channel", text="Everyone: hi"))
    sb.slash("/order", "", user="U0PROC1", channel="C0ORDERS")
    assert sb.last_message("C0ORDERS").text == "Everyone: hi"


def test_slash_ack_with_invalid_blocks_is_reported(sb, app):
    app.command("/order")(lambda ack: ack(text="x", blocks=[section("y" * 3001)]))
    delivery = sb.slash("/order", "", user="U0PROC1", channel="C0ORDERS")
    assert "3001 characters, max 3000" in delivery.problems[0]
    assert sb.ephemerals() == []


def test_click_sends_block_actions_with_the_message_and_respond_replaces_it(sb, app, client):
    seen = {}

    @app.action("claim")
    def on_claim(ack, body, action, respond):
        ack()
        seen.update(body=body, action=action)
        respond(replace_original=True, text=f"Claimed by <@{body['user']['id']}>")

    msg_ts = client.chat_postMessage(channel="C0TRIAGE", text="card", blocks=card())["ts"]
    delivery = sb.click("claim", user="U0PROC1", message=msg_ts)
    assert delivery.status == 200
    sb.wait_for(lambda: sb.last_message("C0TRIAGE").text.startswith("Claimed"))
    body = seen["body"]
    assert body["container"] == {"type": "message", "message_ts": msg_ts,
                                 "channel_id": "C0TRIAGE", "is_ephemeral": False}
    assert body["message"]["blocks"][1]["elements"][0]["action_id"] == "claim"
    assert body["channel"]["id"] == "C0TRIAGE" and body["trigger_id"]
    assert seen["action"]["value"] == "SO-1042" and seen["action"]["type"] == "button"
    assert sb.last_message("C0TRIAGE").blocks == []  # a replacement drops the old blocks


def test_respond_without_replace_posts_an_ephemeral_and_delete_original_deletes(sb, app,
                                                                             client):
    @app.action("claim")
    def on_claim(ack, respond):
        ack()
        respond("Only you see this")

    @app.action("drop")
    def on_drop(ack, respond):
        ack()
        respond(delete_original=True)

    client.chat_postMessage(channel="C0TRIAGE", text="card", blocks=card())
    sb.click("claim", user="U0PROC1")
    sb.wait_for(lambda: sb.ephemerals(user="U0PROC1"))
    assert sb.ephemerals(user="U0PROC1")[0].text == "Only you see this"
    sb.click("drop", user="U0PROC1")
    sb.wait_for(lambda: sb.messages("C0TRIAGE") == [])


def test_click_finds_the_newest_message_and_can_pick_by_value(sb, app, client):
    values = []
    app.action("claim")(lambda ack, action: (values.append(action["value"]), ack()))
    client.chat_postMessage(channel="C0TRIAGE", text="a", blocks=card("SO-1"))
    client.chat_postMessage(channel="C0TRIAGE", text="b", blocks=card("SO-2"))
    sb.click("claim", user="U0PROC1")
    sb.click("claim", user="U0PROC1", value="SO-1")
    assert values == ["SO-2", "SO-1"]


def test_select_in_a_message_sends_the_selected_option(sb, app, client):
    seen = []
    app.action("status")(lambda ack, action: (seen.append(action["selected_option"]), ack()))
    options = [{"text": {"type": "plain_text", "text": t}, "value": t.lower()}
               for t in ("Open", "Held")]
    client.chat_postMessage(channel="C0ORDERS", text="x", blocks=[{"type": "actions", "elements": [
        {"type": "static_select", "action_id": "status", "options": options}]}])
    sb.click("status", user="U0PROC1", selected_option="Held")  # by text or value
    assert seen == [options[1]]


def test_ephemeral_block_actions_leave_the_message_out(sb, app, client):
    seen = []
    app.action("claim")(lambda ack, body: (seen.append(body), ack()))
    client.chat_postEphemeral(channel="C0ORDERS", user="U0PROC1", text="x", blocks=card())
    sb.click("claim", user="U0PROC1")
    assert seen[0]["container"]["is_ephemeral"] is True and "message" not in seen[0]


def test_response_url_works_five_times_within_its_lifetime(sb, app):
    urls = []
    app.command("/order")(lambda ack, command: (urls.append(command["response_url"]), ack()))
    sb.slash("/order", "", user="U0PROC1", channel="C0ORDERS")
    hook = WebhookClient(urls[0])
    statuses = [hook.send(text=f"update {i}").status_code for i in range(6)]
    assert statuses == [200] * 5 + [404]
    assert hook.send(text="again").body == "used_url"
    assert len(sb.ephemerals(user="U0PROC1")) == 5
    sb.response_url_ttl = 0
    sb.slash("/order", "", user="U0PROC1", channel="C0ORDERS")
    expired = WebhookClient(urls[1]).send(text="late")
    assert (expired.status_code, expired.body) == (404, "expired_url")


def test_response_url_in_channel_and_invalid_blocks(sb, app):
    urls = []
    app.command("/order")(lambda ack, command: (urls.append(command["response_url"]), ack()))
    sb.slash("/order", "", user="U0PROC1", channel="C0ORDERS")
    hook = WebhookClient(urls[0])
    assert hook.send(text="for all", response_type="in_channel").status_code == 200
    assert sb.last_message("C0ORDERS").text == "for all"
    bad = hook.send(text="x", blocks=[{"type": "header", "text": {"type": "plain_text",
                                                                   "text": "h" * 151}}])
    assert (bad.status_code, bad.body) == (400, "invalid_blocks")


def test_lazy_listener_work_is_awaited_with_wait_for(sb, app, client):
    def ack_fast(ack):
        ack("On it")

    def post_later(command):
        client.chat_postMessage(channel=command["channel_id"], text="Report ready")

    app.command("/report")(ack=ack_fast, lazy=[post_later])
    delivery = sb.slash("/report", "", user="U0MGR1", channel="C0MGR")
    assert sb.wait_for(lambda: sb.last_message("C0MGR").text == "Report ready", timeout=5)
    assert delivery.ack_ms < 3000


def test_wait_for_times_out_with_a_helpful_message(sb, client):
    client.chat_postMessage(channel="C0ORDERS", text="something else")
    try:
        sb.wait_for(lambda: sb.last_message("C0ORDERS").text == "never", timeout=0.2)
    except AssertionError as exc:
        report = str(exc)
    assert "timed out after 0.2s" in report and "never" in report
    assert "chat.postMessage(ok)" in report and "'something else'" in report


def test_rate_limited_post_from_a_handler_is_retried(sb, app, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=waits.append))
    app.client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    sb.faults.add(method="chat.postMessage", status=429, retry_after=1, times=1)

    @app.command("/order")
    def on_order(ack, say):
        ack()
        say("posted after a 429")

    sb.slash("/order", "", user="U0PROC1", channel="C0ORDERS")
    sb.wait_for(lambda: sb.last_message("C0ORDERS").text == "posted after a 429")
    assert [int(w) for w in waits] == [1]


def test_files_upload_from_a_handler(sb, app):
    @app.command("/export")
    def on_export(ack, client, command):
        ack()
        client.files_upload_v2(channel=command["channel_id"], filename="orders.csv",
                               content="ref,total\nSO-1,100\n", title="Orders")

    sb.slash("/export", "", user="U0MGR1", channel="C0MGR")
    sb.wait_for(lambda: sb.files("C0MGR"))
    assert sb.files("C0MGR")[0].data == b"ref,total\nSO-1,100\n"


def test_a_late_ack_is_flagged_and_its_text_not_shown(sb, app):
    def slow(ack):
        time.sleep(3.05)  # the app itself is slow: that is what is under test
        ack("too late")

    app.command("/slow")(slow)
    delivery = sb.slash("/slow", "", user="U0PROC1", channel="C0ORDERS")
    assert delivery.late and delivery.ack_ms > 3000
    assert any("operation_timeout" in p for p in delivery.problems)
    assert delivery.status == 404  # Bolt itself gives up waiting for ack() after 3 s
    assert sb.ephemerals(user="U0PROC1") == []


def test_app_home_opened_is_sent_with_slacks_shape(sb, app, client):
    seen = []

    @app.event("app_home_opened")
    def on_home(event):
        seen.append(event)

    first = sb.open_home("U0SALES1")
    assert first.status == 200 and not first.problems
    sb.wait_for(lambda: len(seen) == 1)  # Bolt runs event listeners after the ack
    assert {"type", "user", "channel", "tab", "event_ts"} <= set(seen[0]) and "view" not in seen[0]
    assert (seen[0]["tab"], seen[0]["channel"]) == ("home", sb.im_channel("U0SALES1"))
    client.views_publish(user_id="U0SALES1", view={"type": "home", "blocks": [section("Hi")]})
    sb.open_home("U0SALES1")
    sb.wait_for(lambda: len(seen) == 2)
    assert seen[1]["view"]["type"] == "home" and seen[1]["view"]["hash"]
    sb.open_home("U0SALES1", tab="messages")
    sb.wait_for(lambda: len(seen) == 3)
    assert seen[2]["tab"] == "messages" and "view" not in seen[2]
    sb.ws.home_tab_enabled = False
    assert sb.open_home("U0SALES1").sent is False and len(seen) == 3


def test_a_pasted_link_to_an_unfurl_domain_is_shared_and_unfurled(sb, app, client):
    sb.ws.unfurl_domains = ["orders.example.com"]
    seen = []

    @app.event("link_shared")
    def on_link(event, client):
        seen.append(event)
        client.chat_unfurl(channel=event["channel"], ts=event["message_ts"], unfurls={
            link["url"]: {"blocks": [section(f"Order at {link['url']}")]}
            for link in event["links"]})

    url = "https://orders.example.com/o/SO-1042"
    d = sb.paste(f"see <{url}> and https://elsewhere.example/x", user="U0SALES1",
                 channel="#orders")
    assert d.status == 200 and not d.problems
    sb.wait_for(lambda: d.message.unfurls)
    assert list(d.message.unfurls) == [url] and seen[0]["links"] == [
        {"domain": "orders.example.com", "url": url}]
    assert seen[0]["is_bot_user_member"] is True and seen[0]["unfurl_id"]
    assert sb.paste("nothing of ours https://elsewhere.example/x", user="U0SALES1",
                    channel="#orders").sent is False
    refused = [c.error for c in sb.calls("chat.unfurl") if not c.ok]
    assert refused == []
    with pytest.raises(SlackApiError) as bad:
        client.chat_unfurl(channel=d.message.channel, ts=d.message.ts,
                           unfurls={"https://elsewhere.example/x": {}})
    assert bad.value.response["error"] == "cannot_unfurl_url"
