"""smtp_server: a real SMTP server (aiosmtpd) on a free port for the customer-mail tests. It keeps
what it accepted (`.received`: email.message.Message objects with their envelope) and can refuse
for a while (`.refuse(["451 4.3.0 try later", ...])`: each RCPT answered by the next reply)."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from jobs.mail import Smtp


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message


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
                                      email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


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


@pytest.fixture
def smtp_server():
    handler = Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, port)
    finally:
        controller.stop()
