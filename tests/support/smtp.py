"""smtp_server: a real SMTP server (aiosmtpd) on a free port for the customer-mail tests. It keeps
what it accepted (`.received`: email.message.EmailMessage objects with their envelope) and can
refuse for a while (`.refuse(["451 4.3.0 try later", ...])`: each RCPT answered by the next
reply). `mail_text` reads a received mail's plain (or HTML) part."""

from __future__ import annotations

import base64
import email
import email.policy
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from jobs import outbox as delivery
from jobs.mail import Smtp, join_senders
from messages.mail import render_mail
from store.mail import draft_for, send_mail
from tests.support.desk import build
from tests.support.journeys import journey_on
from tests.support.stack import running_stack


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusals:
            return self.refusals.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      email.message_from_bytes(envelope.content,
                                                               policy=email.policy.default)))
        return "250 Message accepted for delivery"


def mail_text(message: EmailMessage, subtype: str = "plain") -> str:
    """A received mail's text/<subtype> part, with the wire's CRLFs back to newlines."""
    return message.get_body((subtype,)).get_content().replace("\r\n", "\n")


class SmtpServer:
    def __init__(self, handler: Handler, port: int):
        self.handler, self.port = handler, port
        self.settings = Smtp(host="127.0.0.1", port=port, implicit_tls=False, user=None,
                             password=None, sender="orders@desk.example")

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def refuse(self, replies: list[str]) -> None:
        self.handler.refusals[:] = replies


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serving(**options):
    handler = Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpServer(handler, port)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server():
    yield from _serving()


@pytest.fixture
def ascii_only_smtp():
    """A real server that, like many relays, does not offer SMTPUTF8: it takes only ASCII
    addresses."""
    yield from _serving(enable_SMTPUTF8=False)


INBOUND_SECRET = "inbound-secret-for-tests"


def post_mail(app_url: str, fields: dict[str, str], *, secret: str = INBOUND_SECRET,
              files: tuple[str, ...] = ()) -> tuple[int, dict]:
    """POST /connect/mail as a mail service does: multipart/form-data, basic auth."""
    boundary = "----orderdesk-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n'
             f'Content-Type: text/plain; charset=utf-8\r\n\r\n{value}\r\n'
             for name, value in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="attachment{n}"; '
              f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n'
              for n, name in enumerate(files, start=1)]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    auth = base64.b64encode(f"inbound:{secret}".encode()).decode()
    request = urllib.request.Request(
        app_url.replace("/slack/events", "/connect/mail"), data=body, method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                 "Authorization": f"Basic {auth}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _mail_env(smtp_server) -> dict:
    return {"ORDERDESK_SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}",
            "ORDERDESK_MAIL_FROM": smtp_server.settings.sender,
            "ORDERDESK_INBOUND_MAIL_SECRET": INBOUND_SECRET}


@pytest.fixture
def mail_journey(db, smtp_server, tmp_path):
    """The journey desk (tests/support/journeys.py) on a stack with customer email on: SMTP
    to `smtp_server`, /connect/mail with INBOUND_SECRET."""
    with running_stack(db, _mail_env(smtp_server)) as stack:
        yield journey_on(stack, tmp_path)
        join_senders()
        delivery.stop_all()


@pytest.fixture
def mail_stack(db, smtp_server):
    """The small desk (tests/support/desk.py) on a stack with customer email on."""
    with running_stack(db, _mail_env(smtp_server)) as stack:
        build(db)
        yield stack
        join_senders()
        delivery.stop_all()


def send_prefilled(db, ref: str = "SO-1042", *, actor: str = "U0ALICE"):
    """Queue the mail Email customer prefills for `ref`, sent as it is."""
    draft = draft_for(db, ref=ref)
    subject, body = render_mail(draft.template, draft)
    return send_mail(db, actor=actor, sender="orders@desk.example", order_id=draft.order.id,
                     template=draft.template, to=draft.to_address, subject=subject, body=body)
