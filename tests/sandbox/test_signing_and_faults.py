"""Signed requests as a real Bolt app verifies them; trigger ids; injected Web API faults."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from sandbox.player import sign, signed_headers
from tests.support.sandbox import SECRET, modal


def test_signature_matches_slack_sdks_verifier():
    body = b"token=x&command=%2Forder&text=SO-1"
    headers = signed_headers(SECRET, body, "application/x-www-form-urlencoded")
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("other-secret").is_valid_request(body, headers)
    assert sign(SECRET, "1", b"a") == sign(SECRET, "1", b"a") != sign(SECRET, "1", b"b")


def test_bolt_accepts_the_sandboxs_signed_slash_command(sb, app):
    seen = {}

    @app.command("/order")
    def on_order(ack, command):
        seen.update(command)
        ack()

    delivery = sb.slash("/order", "SO-1042", user="U0PROC1", channel="C0ORDERS")
    assert delivery.status == 200
    assert (seen["text"], seen["user_id"], seen["channel_id"]) == ("SO-1042", "U0PROC1",
                                                                   "C0ORDERS")
    assert seen["response_url"].startswith(sb.base_url + "response/") and seen["trigger_id"]


def test_bolt_rejects_a_forged_signature_and_a_stale_timestamp(sb, app):
    calls = []
    app.command("/order")(lambda ack: (calls.append(1), ack()))
    body = b"command=%2Forder&text=x&user_id=U0PROC1&team_id=T0ORDERDESK&channel_id=C0ORDERS"
    ctype = "application/x-www-form-urlencoded"
    forged = sb.player.send("slash_command", "/order", body, ctype, signature="v0=" + "0" * 64)
    stale = sb.player.send("slash_command", "/order", body, ctype,
                           timestamp=int(time.time()) - 600)
    assert (forged.status, stale.status, calls) == (401, 401, [])
    assert "HTTP 401" in forged.problems[0]


def test_a_trigger_id_opens_one_view_once(sb, app, client):
    results = []

    @app.command("/order")
    def on_order(ack, body):
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal())
        try:
            client.views_open(trigger_id=body["trigger_id"], view=modal())
        except SlackApiError as exc:
            results.append(exc.response["error"])

    sb.slash("/order", "", user="U0PROC1", channel="C0ORDERS")
    sb.wait_for(lambda: results)  # the listener goes on after ack()
    assert results == ["exchanged_trigger_id"]
    assert len(sb.views("U0PROC1")) == 1


def test_a_trigger_id_expires(sb, app, client):
    sb.trigger_ttl = 0  # any time at all between issue and use is too long
    results = []

    @app.command("/order")
    def on_order(ack, body):
        ack()
        try:
            client.views_open(trigger_id=body["trigger_id"], view=modal())
        except SlackApiError as exc:
            results.append(exc.response["error"])

    sb.slash("/order", "", user="U0PROC1", channel="C0ORDERS")
    sb.wait_for(lambda: results)
    assert results == ["expired_trigger_id"]
    assert sb.views("U0PROC1") == []


def test_429_with_retry_after_is_retried_by_slack_sdks_handler(sb, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=waits.append))
    sb.faults.add(method="chat.postMessage", status=429, retry_after=2, times=2)
    client = WebClient(base_url=sb.api_url, token=sb.bot_token,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)])
    resp = client.chat_postMessage(channel="C0ORDERS", text="eventually")
    assert resp["ok"] and [int(w) for w in waits] == [2, 2]  # Retry-After (+ jitter < 1 s)
    assert [(c.status, c.error, c.params["text"]) for c in sb.calls("chat.postMessage")] == [
        (429, "ratelimited", "eventually"), (429, "ratelimited", "eventually"),
        (200, None, "eventually")]
    assert [m.text for m in sb.messages("C0ORDERS")] == ["eventually"]


def test_429_reaches_a_client_without_retry_handler(sb, client):
    sb.faults.add(method="*", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0ORDERS", text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    client.chat_postMessage(channel="C0ORDERS", text="x")  # the fault was used up


def test_500_and_an_ok_false_fault(sb, client):
    sb.faults.add(method="chat.postMessage", status=500)
    sb.faults.add(method="chat.update", error="message_not_found")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0ORDERS", text="x")
    assert info.value.response.status_code == 500
    with pytest.raises(SlackApiError) as info:
        client.chat_update(channel="C0ORDERS", ts="1.1", text="x")
    assert info.value.response["error"] == "message_not_found"


def test_faults_until_a_deadline_then_clear(sb, client):
    sb.faults.add(method="users.info", status=503, until=time.monotonic() + 60)
    for _ in range(3):
        with pytest.raises(SlackApiError):
            client.users_info(user="U0PROC1")
    sb.faults.clear()
    assert client.users_info(user="U0PROC1")["ok"]


def test_a_delay_fault_slows_the_answer(sb, client):
    sb.faults.add(method="auth.test", delay_ms=150)
    started = time.perf_counter()
    client.auth_test()
    assert time.perf_counter() - started >= 0.15


def test_a_fault_needs_something_to_do(sb):
    with pytest.raises(ValueError):
        sb.faults.add(method="chat.postMessage")


def test_url_verification_handshake(sb, app):
    delivery = sb.url_verification("abc123")
    assert delivery.status == 200 and delivery.problems == []
    assert json.dumps(delivery.body) == json.dumps({"challenge": "abc123"})
