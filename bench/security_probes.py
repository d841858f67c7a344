"""Requests Orderdesk must refuse, made against a live stack (bench/app_stack.py): Slack
requests with forged, foreign, stale, future or replayed signatures; buttons pressed by a role
that may not; intake posts with a wrong HMAC or none. tests/reliability/test_security.py
asserts each is refused; bench/reliability_report.py counts them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from slack_sdk import WebClient
from sqlalchemy import select

from bench.app_stack import CHANNEL, MANAGER, PROCESSOR, action_id, order
from messages.actions import ApprovalActions, OrderActions, TriageActions
from sandbox.player import signed_headers
from store.enums import ApprovalKind
from store.fulfilment.approvals import request_approval
from store.models import Order

FORM = "application/x-www-form-urlencoded"


def forged(sb, n: int) -> str:
    """A made-up signature, different each time."""
    return "v0=" + hashlib.sha256(f"forged-{n}".encode()).hexdigest()


def stale_timestamp(n: int) -> int:
    return int(time.time()) - 360 - n * 37


def future_timestamp(n: int) -> int:
    # A minute past the window: int() truncates and the request is verified a moment after
    # it is signed, so +301 s could land back inside Slack's 300 s (CI saw one 200).
    return int(time.time()) + 360 + n * 37


def intake_url(sb) -> str:
    return sb.app_url.replace("/slack/events", "/intake/orders")


def intake_post(sb, data: bytes, signature: str | None) -> tuple[int, dict | None]:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Orderdesk-Signature"] = signature
    request = urllib.request.Request(intake_url(sb), data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            raw, status = response.read(), response.status
    except urllib.error.HTTPError as err:
        raw, status = err.read(), err.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def intake_signature(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def flag_body(sb, note: str, ref: str = "SO-1042") -> bytes:
    """A complete /order flag command: if the app ever acted on it, a discrepancy appears."""
    from urllib.parse import urlencode

    from sandbox import payloads
    from sandbox.locate import resolve_channel

    chan = resolve_channel(sb.ws, "C0ORDERS")
    fields = payloads.slash_fields(sb.ws, "/order", f"flag {ref} {note}", user="U0PROC1",
                                   chan=chan, response_url=sb.api_url + "/response/none",
                                   trigger_id=sb.ws.issue_trigger("U0PROC1"))
    return urlencode(fields).encode()


def discrepancies(db) -> int:
    from sqlalchemy import func, select

    from store.models import Discrepancy

    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Discrepancy))


# name -> how one attempt of that kind is made: (signature, timestamp, body) from (sb, n)
def slack_forgeries(ref: str = "SO-1042") -> dict:
    def genuine(sb, body, ts):
        return signed_headers(sb.signing_secret, body, FORM, ts)["X-Slack-Signature"]

    def replay(sb, n):
        ts = int(time.time())
        return (genuine(sb, flag_body(sb, "original", ref), ts), ts,
                flag_body(sb, f"changed {n}", ref))

    return {
        "forged signatures": lambda sb, n: (forged(sb, n), None, flag_body(sb, f"f{n}", ref)),
        "signatures with another secret": lambda sb, n: (
            signed_headers(f"other-{n}", flag_body(sb, f"o{n}", ref), FORM, None)[
                "X-Slack-Signature"], None, flag_body(sb, f"o{n}", ref)),
        "stale timestamps (>300 s)": lambda sb, n: _resigned(sb, n, stale_timestamp(n), ref),
        "future timestamps (>300 s)": lambda sb, n: _resigned(sb, n, future_timestamp(n), ref),
        "replayed signatures over a changed body": replay,
    }


def _resigned(sb, n: int, ts: int, ref: str):
    """Correctly signed, but at a timestamp Slack's 5-minute window refuses."""
    body = flag_body(sb, f"t{n}", ref)
    return signed_headers(sb.signing_secret, body, FORM, ts)["X-Slack-Signature"], ts, body


def send_forgery(sb, kind: str, n: int, ref: str = "SO-1042") -> int:
    signature, ts, body = slack_forgeries(ref)[kind](sb, n)
    return sb.player.send("slash_command", "/order", body, FORM, signature=signature,
                          timestamp=ts).status


ATTEMPTS = {"forged signatures": 20, "signatures with another secret": 20,
            "stale timestamps (>300 s)": 10, "future timestamps (>300 s)": 10,
            "replayed signatures over a changed body": 10}


def approval_post(t) -> tuple:
    """A pending refund approval and a manager post carrying its buttons."""
    with t.db.write() as s:
        target = s.scalars(select(Order).where(Order.ref == "SO-9004")).one()
        approval, _, _ = request_approval(s, order=target, kind=ApprovalKind.REFUND,
                                          amount_minor=50_000, detail="refund",
                                          requested_by=MANAGER)
        approval_id = approval.id
    buttons = [{"type": "button", "action_id": a, "value": str(approval_id),
                "text": {"type": "plain_text", "text": a}}
               for a in (ApprovalActions.APPROVE, ApprovalActions.REJECT)]
    client = WebClient(base_url=t.sb.api_url, token=t.sb.bot_token)
    client.chat_postMessage(channel="C0MGR", text="approval", blocks=[
        {"type": "actions", "elements": buttons}])
    return approval_id, t.sb.last_message("C0MGR")


def press(t, button: str):
    """Where each guarded button lives; returns (action_id, message)."""
    if button == OrderActions.EDIT:
        # A rep's card offers no Edit: the press is forged from a processor's card (a rep's
        # stale card from when they were one is the same request).
        assert t.sb.slash("/order", "SO-9004", user=PROCESSOR, channel=CHANNEL).status == 200
        return button, t.sb.ephemerals(user=PROCESSOR)[-1]
    if button in (ApprovalActions.APPROVE, ApprovalActions.REJECT):
        return button, approval_post(t)[1]
    parent = t.parent("SO-9004")
    return action_id(parent, button), parent


ROLE_BUTTONS = [OrderActions.EDIT, TriageActions.RESOLVE, TriageActions.FIX,
                TriageActions.ESCALATE, ApprovalActions.APPROVE, ApprovalActions.REJECT]


INTAKE_REFUSALS = {"a wrong HMAC": 10, "another secret's HMAC": 5, "no signature": 1,
                   "empty": 1, "sha256= only": 1, "not hex": 1}


def intake_signature_for(case: str, n: int, data: bytes) -> str | None:
    return {"a wrong HMAC": f"{n:064x}", "another secret's HMAC": intake_signature(
        f"x{n}", data), "no signature": None, "empty": "", "sha256= only": "sha256=",
        "not hex": "sha256=" + "zz" * 32}[case]


def refused_intake(sb, case: str, n: int) -> bool:
    data = json.dumps(order(f"SEC-{n}")).encode()
    status, answer = intake_post(sb, data, intake_signature_for(case, n, data))
    return (status, (answer or {}).get("ok")) == (401, False)


def raw_post(url: str, body: bytes, headers: dict[str, str], *, chunked: bool = False,
             declared_length: int | None = None, timeout: float = 10) -> tuple[int, dict | None]:
    """One POST over a plain socket, for what urllib won't send: a chunked body, or a
    Content-Length far larger than the bytes that follow (an attacker's 300 MB upload, of
    which only the start is sent: the app must answer without waiting for the rest)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.putrequest("POST", parts.path)
        for name, value in headers.items():
            conn.putheader(name, value)
        if chunked:
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            for start in range(0, len(body), 1000):
                piece = body[start:start + 1000]
                conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            conn.send(b"0\r\n\r\n")
        else:
            conn.putheader("Content-Length", str(declared_length or len(body)))
            conn.endheaders(body)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, None


# Bodies that once made /slack/events answer 500 with a traceback (issue #14).
MALFORMED_SLACK_BODIES = {
    "a form field Bolt reads as a list": (b"response_urls=ab", FORM),
    "JSON nested 50,000 deep": (b"[" * 50_000 + b"]" * 50_000, "application/json"),
    "an object nested 50,000 deep": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
                                     "application/json"),
    "a JSON list": (b"[1, 2, 3]", "application/json"),
    "a payload that is not JSON": (b"payload=%7Bnope", FORM),
    "bytes that are not UTF-8": (b"\xff\xfe", FORM),
    "a payload that is a JSON list": (b"payload=%5B1%5D", FORM),
}
