"""Delivering customer mail (store.mail) over SMTP: until the server accepts each mail, once.

    deliver_mail(db, smtp)   one sweep: claim due mails, send each, record (the clock job)
    kick(db, smtp)           the web process, right after a commit: a background thread sends

Like the Slack outbox: a mail is claimed (leased) in a transaction, sent outside it, and marked
sent only after the server accepted it (a crash in between sends it again at worst; a second
deliverer never sends it meanwhile). 4xx replies and connection errors retry with backoff; 5xx
replies are permanent and the mail goes dead after store.mail's PERMANENT_TRIES.

ORDERDESK_SMTP_URL: smtp://user:pass@host:587 (STARTTLS whenever the server offers it) or
smtps://user:pass@host:465 (TLS from the start). The envelope sender is the mail's plus address
(orders+<token>@...), so a bounce comes back naming the mail it answers.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from messages.i18n import ENGLISH
from messages.mail import mail_html, render_mail
from store import clock
from store.db import Database
from store.mail import (
    ascii_address,
    claim_mails,
    due_notices,
    mark_mail_failed,
    mark_mail_sent,
    queue_notice,
    reply_address,
    valid_address,
)
from store.views.mail import Outgoing

log = logging.getLogger("orderdesk.mail")
TIMEOUT_S = 20


class MemorySink:
    """Stands in for the SMTP server in `orderdesk console`: keeps what was sent this session,
    accepting it as a server would, so a trainee sees the whole loop without one."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self._lock = threading.Lock()

    def send_message(self, message: EmailMessage, from_addr: str, to_addrs: list[str]) -> None:
        with self._lock:
            self.sent.append(message)

    def quit(self) -> None:
        """Nothing to close."""


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    implicit_tls: bool
    user: str | None
    password: str | None
    sender: str  # ORDERDESK_MAIL_FROM
    verify_tls: bool = True
    sink: MemorySink | None = None  # the console's: no server is connected
    default_locale: str = ENGLISH  # ORDERDESK_DEFAULT_LOCALE: notices to customers without one
    timezone: str = "UTC"  # ORDERDESK_TIMEZONE: the days in notices


def parse_smtp(url: str, sender: str) -> Smtp:
    """ValueError naming what is wrong (bot/config turns it into a ConfigError)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("ORDERDESK_SMTP_URL must look like smtp://user:pass@host:587 "
                         "(STARTTLS) or smtps://user:pass@host:465 (implicit TLS)")
    try:
        sender = valid_address(sender, "ORDERDESK_MAIL_FROM")
    except Exception as err:  # ValidationFailed: its message names the problem
        raise ValueError(f"ORDERDESK_MAIL_FROM={sender!r} is not an email address") from err
    implicit = parts.scheme == "smtps"
    return Smtp(host=parts.hostname, port=parts.port or (465 if implicit else 587),
                implicit_tls=implicit, user=unquote(parts.username) if parts.username else None,
                password=unquote(parts.password) if parts.password else None, sender=sender)


def build_message(mail: Outgoing, smtp: Smtp) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ascii_address(mail.to_address)
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message["Reply-To"] = reply_address(smtp.sender, mail.token)
    message["Date"] = format_datetime(clock.now())
    if mail.in_reply_to:
        message["In-Reply-To"] = mail.in_reply_to
        message["References"] = mail.in_reply_to
    # multipart/alternative: the text first, so clients that can show HTML prefer the last.
    message.set_content(mail.body)
    message.add_alternative(mail_html(mail.body), subtype="html")
    return message


# A relay on this machine (stunnel, a local MTA) is no network to read a password from.
_THIS_MACHINE = frozenset({"localhost", "127.0.0.1", "::1"})


def _connect(smtp: Smtp) -> smtplib.SMTP | MemorySink:
    if smtp.sink is not None:
        return smtp.sink
    context = ssl.create_default_context()
    if not smtp.verify_tls:
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    if smtp.implicit_tls:
        server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=TIMEOUT_S, context=context)
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_S)
        server.ehlo()
        if server.has_extn("starttls"):
            server.starttls(context=context)
            server.ehlo()
        elif smtp.user and smtp.host not in _THIS_MACHINE:
            # A server (or someone between) that offers no STARTTLS would be handed the
            # password in clear: the mails wait, and the error says why.
            server.close()
            raise smtplib.SMTPException(
                f"{smtp.host}:{smtp.port} offers no STARTTLS, and Orderdesk won't send the "
                "SMTP password unencrypted; use the server's TLS port (smtps://, 465) or "
                "one that offers STARTTLS")
    if smtp.user:
        server.login(smtp.user, smtp.password or "")
    return server


def deliver_mail(db: Database, smtp: Smtp, *, max_rounds: int = 20) -> int:
    """Send what is due; returns how many mails the server accepted."""
    sent = 0
    for _ in range(max_rounds):
        mails = claim_mails(db)
        if not mails:
            break
        try:
            server = _connect(smtp)
        except (OSError, smtplib.SMTPException) as err:
            for mail in mails:
                _failed(db, mail, err)
            break
        try:
            for mail in mails:
                sent += _send(db, server, smtp, mail)
        finally:
            try:
                server.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return sent


def _send(db: Database, server: smtplib.SMTP | MemorySink, smtp: Smtp, mail: Outgoing) -> int:
    """One mail; whatever goes wrong with it is its own and the others still go."""
    try:
        message = build_message(mail, smtp)
    except ValueError as err:  # a header no mail can carry (a line break in an old address)
        _failed(db, mail, err, final=True)
        return 0
    try:
        server.send_message(message, from_addr=reply_address(smtp.sender, mail.token),
                            to_addrs=[ascii_address(mail.to_address)])
    except smtplib.SMTPNotSupportedError as err:
        # josé@…: only a server offering SMTPUTF8 takes it, and this one never will.
        _failed(db, mail, err, final=True)
        return 0
    except (OSError, smtplib.SMTPException) as err:
        _failed(db, mail, err)
        return 0
    mark_mail_sent(db, mail_id=mail.id)
    return 1


def _code(err: Exception) -> int:
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return max((code for code, _ in err.recipients.values()), default=0)
    return getattr(err, "smtp_code", 0) or 0


def _failed(db: Database, mail: Outgoing, err: Exception, *, final: bool = False) -> None:
    code = _code(err)
    kind = "unsendable" if final else code or "connection"
    log.warning("mail %s not accepted (%s): %r", mail.id, kind, err)
    mark_mail_failed(db, mail_id=mail.id, error=f"{kind}: {err}"[:500],
                     permanent=500 <= code < 600, final=final)


_senders: dict[int, threading.Thread] = {}
_lock = threading.Lock()


def kick(db: Database, smtp: Smtp) -> None:
    """Send soon, off the request thread; one sender per database at a time. Never raises:
    the mail is safe in its row and the clock's sweep sends what this leaves."""
    def run() -> None:
        try:
            deliver_mail(db, smtp)
        except Exception:
            log.exception("mail delivery failed; the clock retries")
        finally:
            with _lock:
                _senders.pop(id(db), None)

    with _lock:
        if id(db) in _senders:
            return
        _senders[id(db)] = thread = threading.Thread(target=run, name="mail", daemon=True)
    thread.start()


def join_senders(timeout: float = 30.0) -> None:
    """Wait for the kicked senders to finish (tests, and a process shutting down)."""
    with _lock:
        running = list(_senders.values())
    for thread in running:
        thread.join(timeout)


def queue_notices(db: Database, smtp: Smtp) -> int:
    """Queue the automatic notices customers opted into (store.mail.due_notices), each once."""
    queued = 0
    for notice in due_notices(db):
        subject, body = render_mail(notice.draft.template, notice.draft,
                                    default_locale=smtp.default_locale, timezone=smtp.timezone)
        queued += queue_notice(db, notice, sender=smtp.sender, subject=subject, body=body)
    return queued
