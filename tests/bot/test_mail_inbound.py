"""POST /connect/mail's door: the secret (basic auth, constant-time), the body's bound, the
form shapes mail services post, and what is kept of attachments."""

from __future__ import annotations

import base64
import io

import pytest
from sqlalchemy import select

from bot.bodies import BodyRefused
from bot.mail import MAX_BODY, mail_request, parse_inbound
from store.models import InboundMail

SECRET = "s3cret"


def _environ(body: bytes, *, password: str | None = SECRET, method: str = "POST",
             content_type: str = "application/x-www-form-urlencoded") -> dict:
    env = {"REQUEST_METHOD": method, "CONTENT_TYPE": content_type,
           "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    if password is not None:
        env["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(
            f"mailsvc:{password}".encode()).decode()
    return env


@pytest.mark.parametrize("password, secret, status", [
    (SECRET, None, "503"), ("wrong", SECRET, "401"), (None, SECRET, "401")])
def test_the_secret_is_required(db, password, secret, status):
    answer = mail_request(_environ(b"from=a%40b.example", password=password), db=db,
                          secret=secret)
    assert answer[0].startswith(status) and not answer[1]["ok"]


def test_only_post_and_a_bounded_body(db):
    assert mail_request(_environ(b"", method="GET"), db=db, secret=SECRET)[0].startswith("405")
    big = _environ(b"x")
    big["CONTENT_LENGTH"] = str(MAX_BODY + 1)
    assert mail_request(big, db=db, secret=SECRET)[0].startswith("413")


def test_a_mail_without_a_sender_is_refused_naming_the_field(db):
    status, answer = mail_request(_environ(b"subject=hi"), db=db, secret=SECRET)
    assert status.startswith("400") and answer["field"] == "from"


def test_multipart_fields_headers_and_attachment_names_are_read():
    boundary = "b0und"
    parts = [("from", "Buyer <buyer@acme.example>"), ("to", "orders+abc12345@desk.example"),
             ("subject", "Re: SO-1042"), ("text", "Fine."),
             ("headers", "In-Reply-To: <mail-abc@desk.example>\r\nContent-Type: text/plain"),
             ("attachment-info", '{"attachment1": {"filename": "po.pdf"}}')]
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                   for k, v in parts)
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="attachment1"; '
             f'filename="po.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n'
             f'--{boundary}--\r\n')
    mail = parse_inbound(_environ(b"", content_type=f"multipart/form-data; boundary={boundary}"),
                         body.encode())
    assert mail.from_address == "buyer@acme.example" and mail.subject == "Re: SO-1042"
    assert mail.headers["in-reply-to"] == "<mail-abc@desk.example>"
    assert mail.attachments == ("po.pdf",) and mail.text == "Fine."  # named once


def test_control_characters_are_dropped_before_the_database_sees_them(db):
    status, answer = mail_request(_environ(b"from=a%40b.example&subject=hi%00there&text=x%00y"),
                                  db=db, secret=SECRET)
    assert status.startswith("200")
    with db.read() as s:
        row = s.scalar(select(InboundMail))
        assert (row.subject, row.text) == ("hithere", "xy")


def test_an_unknown_charset_is_read_as_utf8():
    body = ('--b\r\nContent-Disposition: form-data; name="from"\r\n'
            'Content-Type: text/plain; charset=x-unknown\r\n\r\na@b.example\r\n--b--\r\n')
    mail = parse_inbound(_environ(b"", content_type="multipart/form-data; boundary=b"),
                         body.encode())
    assert mail.from_address == "a@b.example"


def _multipart(parts: list[tuple[str, bytes]], boundary: str = "b0und") -> tuple[dict, bytes]:
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'
                    .encode() + v + b"\r\n" for k, v in parts) + f"--{boundary}--\r\n".encode()
    return _environ(b"", content_type=f"multipart/form-data; boundary={boundary}"), body


def test_sendgrid_fields_in_the_charsets_it_names_keep_their_letters():
    """'mañana' in ISO-8859-1 was stored as 'ma\ufffdana'."""
    environ, body = _multipart([
        ("from", b"Cliente <c@acme.example>"), ("subject", "Re: SO-2001 mañana".encode("latin-1")),
        ("text", "Gracias, llegará mañana.".encode("latin-1")),
        ("charsets", b'{"subject": "iso-8859-1", "text": "iso-8859-1", "from": "UTF-8"}')])
    mail = parse_inbound(environ, body)
    assert (mail.subject, mail.text) == ("Re: SO-2001 mañana", "Gracias, llegará mañana.")


def test_a_mailgun_route_post_keeps_its_body_and_reply_headers():
    """Mailgun posts body-plain / stripped-text and message-headers: the text was stored empty."""
    environ, body = _multipart([
        ("from", b"Buyer <buyer@acme.example>"), ("subject", b"Re: SO-1042"),
        ("body-plain", b"Fine, ship it.\n\n> quoted"), ("stripped-text", b"Fine, ship it."),
        ("message-headers", b'[["In-Reply-To", "<mail-abc@desk.example>"], ["X-A", "1"]]')])
    mail = parse_inbound(environ, body)
    assert mail.text == "Fine, ship it."
    assert mail.headers["in-reply-to"] == "<mail-abc@desk.example>"


def test_postmark_json_is_read_as_the_same_fields():
    """It was a 400: "Post the mail as multipart/form-data"."""
    body = (b'{"From": "buyer@acme.example", "To": "orders+abc@desk.example", '
            b'"Subject": "Re: SO-1042", "TextBody": "Fine.", "HtmlBody": "<p>Fine.</p>", '
            b'"Headers": [{"Name": "In-Reply-To", "Value": "<mail-abc@desk.example>"}], '
            b'"Attachments": [{"Name": "po.pdf", "Content": "JVBERi0="}]}')
    mail = parse_inbound(_environ(b"", content_type="application/json"), body)
    assert (mail.from_address, mail.subject, mail.text, mail.attachments) == (
        "buyer@acme.example", "Re: SO-1042", "Fine.", ("po.pdf",))
    assert mail.headers["in-reply-to"] == "<mail-abc@desk.example>"


def test_an_html_only_mail_keeps_its_words_not_its_tags_or_scripts():
    environ, body = _multipart([
        ("from", b"buyer@acme.example"),
        ("html", b"<html><style>p{}</style><p>Ship <b>Friday</b>.</p>"
                 b"<script>alert(1)</script><p>Thanks</p></html>")])
    assert parse_inbound(environ, body).text == "Ship Friday.\nThanks"


@pytest.mark.parametrize(("sent", "sender"), [
    # a display name that looks like the customer's address: the sender is the one in <>
    (b"orders@acme.example <attacker@evil.example>", "attacker@evil.example"),
    (b'"orders@acme.example" <attacker@evil.example>', "attacker@evil.example"),
    (b"J. Smith <js@acme.example>", "js@acme.example"),
    ("José Núñez <jose@acme.example>".encode(), "jose@acme.example"),
    (b"<buyer@acme.example>", "buyer@acme.example"),
])
def test_the_sender_is_the_address_not_a_display_name_that_looks_like_one(sent, sender):
    """parseaddr read the unquoted display name as the address: a stranger's mail naming
    SO-1042 was taken as the customer's own and posted in the order's thread."""
    environ, body = _multipart([("from", sent), ("subject", b"Re: SO-1042"), ("text", b"x")])
    assert parse_inbound(environ, body).from_address == sender


@pytest.mark.parametrize("sent", [b"a@acme.example, b@evil.example", b"not an address",
                                  b"x <a@acme.example> <b@evil.example>"])
def test_a_from_naming_no_one_sender_is_refused(sent):
    environ, body = _multipart([("from", sent), ("subject", b"Re: SO-1042"), ("text", b"x")])
    with pytest.raises(BodyRefused, match="from"):
        parse_inbound(environ, body)
