"""POST /connect/mail: inbound mail in the "parsed inbound email" shape mail services post
(SendGrid Inbound Parse, Mailgun routes, Postmark...): a multipart/form-data (or urlencoded) body
with the fields `from`, `to`, `subject`, `text`, `html`, `headers` (the raw header block, for
In-Reply-To / References / Content-Type) and attachments (file parts, or an `attachments` /
`attachment-info` JSON field): only their names are kept.

Authenticated by HTTP basic auth whose password is ORDERDESK_INBOUND_MAIL_SECRET (any user
name): services put it in the URL they post to (https://inbound:<secret>@desk.example/connect/
mail), and unlike a `?secret=` query it stays out of access logs. Compared in constant time.
The body is read within MAX_BODY before anything parses it. Answers: 200 taken, 400 not a form
or no `from`, 401 wrong secret, 405 not POST, 413 too big, 503 no secret configured or the
database away (services retry).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from email.parser import BytesParser, HeaderParser
from email.policy import HTTP
from email.utils import parseaddr
from urllib.parse import parse_qs

from bot.bodies import BodyRefused, read_body
from bot.intake import STATUS
from store.control_chars import strip_controls
from store.db import DATABASE_DOWN, Database
from store.mail import receive_mail
from store.views.mail import InboundMessage

MAX_BODY = 10_000_000  # attachments come inline; their bytes are read, never kept
MAX_FIELD = 200_000


def _password(environ: dict) -> str | None:
    scheme, _, encoded = (environ.get("HTTP_AUTHORIZATION") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2]


def _form(environ: dict, body: bytes) -> tuple[dict[str, str], list[str]]:
    """The text fields, and the names of the files posted."""
    content_type = environ.get("CONTENT_TYPE") or ""
    if content_type.startswith("application/x-www-form-urlencoded"):
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=100)
        return {k: strip_controls(v[0])[:MAX_FIELD] for k, v in fields.items()}, []
    if not content_type.startswith("multipart/form-data"):
        raise BodyRefused(400, "Post the mail as multipart/form-data (or urlencoded) fields.")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace") + body)
    if not message.is_multipart():
        raise BodyRefused(400, "The multipart body could not be read.")
    fields, files = {}, []
    for part in list(message.iter_parts())[:200]:
        name, filename = part.get_param("name", header="content-disposition"), part.get_filename()
        if filename:
            files.append(str(filename)[:200])
        elif name:
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            try:
                text = payload.decode(charset, "replace")
            except LookupError:  # a charset Python does not know
                text = payload.decode("utf-8", "replace")
            # Parsed, not typed: control characters (NUL, which PostgreSQL refuses) dropped.
            fields[str(name)] = strip_controls(text)[:MAX_FIELD]
    return fields, files


def _attachment_names(fields: dict[str, str]) -> list[str]:
    names = []
    for key in ("attachments", "attachment-info"):
        try:
            info = json.loads(fields.get(key) or "null")
        except ValueError:
            continue
        items = info.values() if isinstance(info, dict) else info if isinstance(info, list) \
            else []
        names += [str(i.get("filename") or i.get("name") or "") for i in items
                  if isinstance(i, dict)]
    return [n[:200] for n in names if n]


def parse_inbound(environ: dict, body: bytes) -> InboundMessage:
    fields, files = _form(environ, body)
    sender = parseaddr(fields.get("from") or "")[1].strip()
    if not sender:
        raise BodyRefused(400, "The `from` field is missing or not an address.", "from")
    headers = HeaderParser().parsestr(fields.get("headers") or "")
    wanted = ("in-reply-to", "references", "content-type", "message-id", "auto-submitted")
    return InboundMessage(
        from_address=sender[:254], to=(fields.get("to") or "")[:2000],
        subject=(fields.get("subject") or "").strip()[:200],
        text=fields.get("text") or fields.get("html") or "",
        headers={k: str(headers.get(k) or "")[:4000] for k in wanted if headers.get(k)},
        attachments=tuple(dict.fromkeys(files + _attachment_names(fields)))[:50])


def mail_request(environ: dict, *, db: Database, secret: str | None) -> tuple[str, dict]:
    if environ.get("REQUEST_METHOD") != "POST":
        return _error(405, "POST inbound mail to /connect/mail.")
    if not secret:
        return _error(503, "/connect/mail is off: set ORDERDESK_INBOUND_MAIL_SECRET and restart.")
    given = _password(environ)
    if given is None or not hmac.compare_digest(given.encode(), secret.encode()):
        return _error(401, "Authenticate with HTTP basic auth, the password being "
                           "ORDERDESK_INBOUND_MAIL_SECRET.")
    try:
        mail = parse_inbound(environ, read_body(environ, MAX_BODY))
        result = receive_mail(db, mail)
    except BodyRefused as refused:
        return _error(refused.status, refused.message, refused.field)
    except DATABASE_DOWN:
        return _error(503, "The order database is unavailable; nothing was saved. Deliver "
                           "again in a moment.")
    return STATUS[200], {"ok": True, "id": result.id, "order_ref": result.order_ref,
                         "matched_by": result.matched_by, "bounce": result.bounce,
                         "discrepancies": list(result.discrepancies)}


def _error(code: int, message: str, field: str | None = None) -> tuple[str, dict]:
    return STATUS.get(code, f"{code} Error"), {"ok": False, "error": message, "field": field}
