"""Every request must prove it comes from Slack: forged and stale signatures are refused."""

import json
import time
import urllib.request

from bench.app_stack import CHANNEL, PROCESSOR


def _slash_body(stack):
    return b"command=%2Forder&text=SO-1042&user_id=U0PROC1&channel_id=C0ORDERS&team_id=T0ORDERDESK"


def test_a_forged_signature_is_refused(stack, desk):
    delivery = stack.sb.player.send("slash_command", "/order", _slash_body(stack),
                                    "application/x-www-form-urlencoded",
                                    signature="v0=" + "0" * 64)
    assert delivery.status == 401


def test_a_signature_made_with_another_secret_is_refused(stack, desk):
    from sandbox.player import signed_headers

    body = _slash_body(stack)
    headers = signed_headers("not-the-secret", body, "application/x-www-form-urlencoded", None)
    delivery = stack.sb.player.send("slash_command", "/order", body,
                                    "application/x-www-form-urlencoded",
                                    signature=headers["X-Slack-Signature"])
    assert delivery.status == 401


def test_a_stale_timestamp_is_refused_even_when_correctly_signed(stack, desk):
    delivery = stack.sb.player.send("slash_command", "/order", _slash_body(stack),
                                    "application/x-www-form-urlencoded",
                                    timestamp=int(time.time()) - 301)
    assert delivery.status == 401


def test_a_correctly_signed_request_is_answered(stack, desk):
    assert stack.sb.slash("/order", "SO-1042", user=PROCESSOR, channel=CHANNEL).status == 200


def test_health_check_reports_the_database(stack):
    url = stack.sb.app_url.replace("/slack/events", "/healthz")
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        assert response.status == 200
        assert json.loads(response.read())["ok"] is True
