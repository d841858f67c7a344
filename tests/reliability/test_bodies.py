"""Issue #14 item 6: /slack/events and /intake/orders read bounded bodies and verify the
signature on the raw bytes before parsing; anything malformed is a 4xx JSON answer, never a
500 with a traceback. Real signed HTTP against the stack (bench/security_probes.py)."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from bench.app_stack import SECRET, order
from bench.security_probes import (
    FORM,
    MALFORMED_SLACK_BODIES,
    flag_body,
    intake_signature,
    raw_post,
)
from bot.bodies import MAX_SLACK_BODY, BodyRefused, _signed, read_body
from bot.intake import MAX_BODY
from sandbox.player import signed_headers
from store.models import Discrepancy, Order

HUGE = 300_000_000


def intake_url(sb) -> str:
    return sb.app_url.replace("/slack/events", "/intake/orders")


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_huge_unsigned_slack_body_is_refused_before_it_is_read(stack):
    status, answer = raw_post(stack.sb.app_url, b"x" * 1024, {"Content-Type": FORM},
                              declared_length=HUGE, timeout=5)
    assert (status, answer["ok"]) == (413, False)
    assert f"{MAX_SLACK_BODY:,}" in answer["error"]


def test_a_huge_intake_body_is_refused_before_it_is_read(intake):
    status, answer = raw_post(intake_url(intake.sb), b"{" * 1024,
                              {"Content-Type": "application/json"}, declared_length=HUGE,
                              timeout=5)
    assert (status, answer["ok"]) == (413, False)


@pytest.mark.parametrize("case", MALFORMED_SLACK_BODIES)
def test_a_malformed_unsigned_slack_body_is_refused_401_without_parsing(stack, case):
    body, content_type = MALFORMED_SLACK_BODIES[case]
    status, answer = raw_post(stack.sb.app_url, body, {"Content-Type": content_type})
    assert (status, answer["ok"]) == (401, False), (status, answer)


@pytest.mark.parametrize("case", MALFORMED_SLACK_BODIES)
def test_a_malformed_signed_slack_body_is_a_4xx_json_answer(stack, case):
    body, content_type = MALFORMED_SLACK_BODIES[case]
    headers = signed_headers(stack.sb.signing_secret, body, content_type, None)
    status, answer = raw_post(stack.sb.app_url, body, headers)
    assert 200 <= status < 500, (status, answer)
    if status >= 400:
        assert answer["ok"] is False and answer["error"], answer


def test_a_correctly_signed_chunked_slack_request_is_accepted(stack, desk):
    body = flag_body(stack.sb, "sent chunked")
    headers = signed_headers(stack.sb.signing_secret, body, FORM, None)
    status, _ = raw_post(stack.sb.app_url, body, headers, chunked=True)
    assert status == 200
    assert count(stack.db, Discrepancy) == 1


def test_a_correctly_signed_chunked_intake_order_is_accepted(intake):
    data = json.dumps(order("CHUNKED-1")).encode()
    headers = {"Content-Type": "application/json",
               "X-Orderdesk-Signature": intake_signature(SECRET, data)}
    status, answer = raw_post(intake_url(intake.sb), data, headers, chunked=True)
    assert (status, answer["ok"], answer["created"]) == (201, True, True)


@pytest.mark.parametrize("data, problem", [
    (b"[" * 1_000 + b"]" * 1_000, "nested too deeply"),
    (b'{"order_ref":' * 1_000 + b"1" + b"}" * 1_000, "nested too deeply"),
    (b'{"order_ref": ' + b"9" * 5_000 + b"}", "5,000 digits"),
    (b'{"order_ref": "WEB-\\ud800", "lines": []}', "lone surrogate"),
    (b'{"order_ref": "A", "notes": {"x": "\\udfff"}}', "lone surrogate"),
])
def test_intake_json_a_parser_chokes_on_is_a_400_naming_the_problem(intake, data, problem):
    status, answer = raw_post(intake_url(intake.sb), data,
                              {"Content-Type": "application/json",
                               "X-Orderdesk-Signature": intake_signature(SECRET, data)})
    assert (status, answer["ok"]) == (400, False), (status, answer)
    assert problem in answer["error"]
    assert count(intake.db, Order) == 0


def test_a_chunked_body_past_the_cap_is_refused_once_the_cap_is_passed():
    stream = io.BytesIO(b"x" * (MAX_BODY + 1) + b"never read" * 1000)
    environ = {"wsgi.input": stream, "wsgi.input_terminated": True}
    with pytest.raises(BodyRefused) as refused:
        read_body(environ, MAX_BODY)
    assert refused.value.status == 413
    assert stream.tell() < MAX_BODY + 128 * 1024  # stopped reading soon after the cap


@pytest.mark.parametrize("length", ["-1", "abc", "1" * 40, "²", "١٢"])
def test_a_nonsense_content_length_is_a_400(length):
    with pytest.raises(BodyRefused) as refused:
        read_body({"CONTENT_LENGTH": length, "wsgi.input": io.BytesIO(b"")}, MAX_BODY)
    assert refused.value.status == 400


@pytest.mark.parametrize("timestamp", ["²", "①", "١٧٠٠٠٠٠٠٠٠"])
def test_a_timestamp_of_digits_int_refuses_or_of_another_script_is_not_signed(timestamp):
    """Not Slack's digits: unsigned (a 401), not a ValueError from int() (a 500)."""
    environ = {"HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp, "HTTP_X_SLACK_SIGNATURE": "v0=00"}
    assert _signed(SECRET, b"", environ) is False
