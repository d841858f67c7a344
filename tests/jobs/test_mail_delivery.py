"""jobs/mail.py against a real SMTP server: headers, threading, retries, nothing doubled."""

from __future__ import annotations

import html
import re
import smtplib
import socket
from dataclasses import replace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select, update

from jobs.mail import Smtp, _connect, deliver_mail, parse_smtp, queue_notices
from messages.i18n import LANGUAGES
from messages.mail import render_mail
from store.enums import CUSTOMER_LANGUAGES, MailStatus
from store.mail import draft_for, send_mail
from store.models import Customer, OrderLine, OutgoingMail
from tests.support.desk import build
from tests.support.smtp import Handler, mail_text, send_prefilled


@pytest.fixture
def desk(db):
    return build(db)


def _due_now(db):
    """The backoff's wait, passed: every pending mail is due again."""
    with db.write() as s:
        for row in s.scalars(select(OutgoingMail).where(
                OutgoingMail.status == MailStatus.PENDING)):
            row.next_attempt_at = row.created_at


def _statuses(db):
    with db.read() as s:
        return [r.status.value for r in s.scalars(select(OutgoingMail).order_by(OutgoingMail.id))]


def test_the_server_receives_the_mail_with_its_headers_and_threading(db, desk, smtp_server):
    first = send_prefilled(db)
    send_prefilled(db)
    assert deliver_mail(db, smtp_server.settings) == 2
    got = smtp_server.received
    assert [r.recipients for r in got] == [["orders@acme.example"]] * 2
    message = got[0].message
    assert message["Message-ID"] == first.message_id
    assert message["From"] == "orders@desk.example"
    assert message["Reply-To"] == f"orders+{first.reply_to}@desk.example"
    assert got[0].sender == f"orders+{first.reply_to}@desk.example"  # bounces name the mail
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert "SO-1042" in message["Subject"] and "WID-1042-BL" in mail_text(message)
    assert got[1].message["In-Reply-To"] == first.message_id
    assert _statuses(db) == ["sent", "sent"]
    assert deliver_mail(db, smtp_server.settings) == 0 and len(got) == 2  # never twice


def test_a_server_refusing_for_a_while_loses_nothing_and_doubles_nothing(db, desk, smtp_server):
    send_prefilled(db), send_prefilled(db)
    smtp_server.refuse(["451 4.3.0 try again later"] * 3)
    rounds = 0
    while "pending" in _statuses(db) and rounds < 10:
        deliver_mail(db, smtp_server.settings)
        _due_now(db)
        rounds += 1
    assert _statuses(db) == ["sent", "sent"]
    assert len(smtp_server.received) == 2
    assert len({r.message["Message-ID"] for r in smtp_server.received}) == 2


def test_a_permanent_refusal_goes_dead_after_a_few_tries(db, desk, smtp_server):
    send_prefilled(db)
    smtp_server.refuse(["550 5.1.1 no such user"] * 5)
    for _ in range(3):
        deliver_mail(db, smtp_server.settings)
        _due_now(db)
    assert _statuses(db) == ["dead"] and smtp_server.received == []


def test_no_server_listening_is_retried_later(db, desk, smtp_server):
    send_prefilled(db)
    gone = parse_smtp("smtp://127.0.0.1:1", "orders@desk.example")
    assert deliver_mail(db, gone) == 0
    with db.read() as s:
        row = s.scalar(select(OutgoingMail))
        assert row.status == MailStatus.PENDING and "connection" in row.last_error


def test_shipped_notices_go_only_to_customers_who_opted_in_and_once(db, desk, smtp_server):
    assert queue_notices(db, smtp_server.settings) == 0  # off by default
    with db.write() as s:
        s.get(Customer, desk["BETA"]).notice_shipped = True
    assert queue_notices(db, smtp_server.settings) == 1
    assert queue_notices(db, smtp_server.settings) == 0
    deliver_mail(db, smtp_server.settings)
    body = mail_text(smtp_server.received[0].message)
    assert "SO-1044" in smtp_server.received[0].message["Subject"]
    assert "1Z999AA10123456784" in body


def test_a_spanish_customer_gets_the_price_confirmation_in_spanish(db, desk, smtp_server):
    with db.write() as s:
        s.get(Customer, desk["ACME"]).language = "es"
        line = s.scalar(select(OrderLine).where(OrderLine.sku == "WID-1042-BL"))
        line.order.currency, line.unit_price_minor = "EUR", 123456
    send_prefilled(db)  # written by an English-speaking user: the customer's language wins
    deliver_mail(db, smtp_server.settings)
    message = smtp_server.received[0].message
    body = mail_text(message)
    assert message["Subject"] == "Confirme los precios del pedido SO-1042 (OC PO-7781)"
    assert body.startswith("Hola, Acme Corporation:\n")
    assert "¿podría confirmar los precios siguientes?" in body
    assert "x 2 a 1.234,56\N{NO-BREAK SPACE}€ = 2.469,12\N{NO-BREAK SPACE}€" in body
    assert "realizado el " in body
    assert "Please" not in body and "$" not in body


def test_without_a_language_the_workspace_default_is_used(db, desk, smtp_server):
    with db.write() as s:
        s.get(Customer, desk["BETA"]).notice_shipped = True
    assert queue_notices(db, replace(smtp_server.settings, default_locale="es")) == 1
    with db.read() as s:
        assert s.scalar(select(OutgoingMail.subject)).startswith("El pedido SO-1044 ha salido")


def test_the_html_part_is_the_same_text_escaped_with_its_links_clickable(db, desk, smtp_server):
    with db.write() as s:
        s.get(Customer, desk["BETA"]).name = "<script>alert(1)</script> & Co"
    draft = draft_for(db, ref="SO-1044")
    subject, body = render_mail("shipped", draft)
    send_mail(db, actor="U0ALICE", sender="orders@desk.example", order_id=draft.order.id,
              template="shipped", to=draft.to_address, subject=subject, body=body)
    deliver_mail(db, smtp_server.settings)
    message = smtp_server.received[0].message
    plain, page = mail_text(message), mail_text(message, "html")
    assert "<script>alert(1)</script> & Co" in plain
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page and "<script" not in page
    url = next(w for w in plain.split() if w.startswith("https://"))
    escaped = url.replace("&", "&amp;")
    assert f'<a href="{escaped}">{escaped}</a>' in page
    assert page.count("<a ") == 1  # links, nothing else
    assert html.unescape(re.sub(r"<[^>]*>", "", page)).strip() == plain.strip()  # same text


def test_the_store_offers_the_languages_there_are_catalogues_for():
    assert CUSTOMER_LANGUAGES == LANGUAGES


@pytest.mark.parametrize("url", ["http://host", "smtp://", "mail.example.com:25"])
def test_a_bad_smtp_url_is_refused_naming_the_variable(url):
    with pytest.raises(ValueError, match="ORDERDESK_SMTP_URL"):
        parse_smtp(url, "orders@desk.example")


def test_a_notice_goes_to_the_contact_when_the_customer_has_no_email(db, desk, smtp_server):
    """Buyers kept as contacts (an ERP's import): Email customer wrote to the contact, but the
    opted-in shipped notice was never queued, and nothing said so."""
    with db.write() as s:  # SO-1044 (BETA) shipped 2 days ago
        s.execute(update(Customer).where(Customer.code == "BETA")
                  .values(email=None, notice_shipped=True))
    assert draft_for(db, ref="SO-1044").to_address == "buyer@BETA.example"
    assert queue_notices(db, smtp_server.settings) == 1
    deliver_mail(db, smtp_server.settings)
    assert [r.recipients for r in smtp_server.received] == [["buyer@beta.example"]]  # domain case


def test_the_smtp_password_is_never_sent_where_no_tls_was_offered():
    """A server that offers no STARTTLS (or someone between who stripped it) was handed the
    password in clear: login() ran whether or not the connection was encrypted."""
    tried = []

    def authenticator(server, session, envelope, mechanism, data):
        tried.append(session.ssl)
        return AuthResult(success=True)

    for host in ("127.0.0.2", "127.0.0.1"):  # another machine, and a relay on this one
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
        controller = Controller(Handler(), hostname=host, port=port,
                                authenticator=authenticator, auth_require_tls=False)
        controller.start()
        try:
            settings = Smtp(host=host, port=port, implicit_tls=False, user="desk",
                            password="pw", sender="orders@desk.example")
            if host == "127.0.0.2":
                with pytest.raises(smtplib.SMTPException, match="offers no STARTTLS"):
                    _connect(settings)
                assert tried == []
            else:
                _connect(settings).quit()
                assert tried == [None]
        finally:
            controller.stop()
