"""POST /connect/mail: inbound mail in the "parsed inbound email" shape mail services post
(SendGrid Inbound Parse, Mailgun routes): a multipart/form-data (or urlencoded) body with the
fields `from`, `to`, `subject`, `text`, `html`, `headers` (the raw header block, for
In-Reply-To / References / Content-Type) and attachments (file parts, or an `attachments` /
`attachment-info` JSON field): only their names are kept. Mailgun's `body-plain`,
`stripped-text`, `body-html` and `message-headers` are read as the same; SendGrid's `charsets`
field decodes the fields it names; Postmark's inbound JSON (`From`, `TextBody`, `Headers`…)
maps onto the same fields. An HTML-only mail keeps its words, not its tags.

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
import email.policy
import hmac
import json
import re
from email.errors import InvalidHeaderDefect
from email.parser import BytesParser, HeaderParser
from email.policy import HTTP
from html.parser import HTMLParser
from urllib.parse import parse_qs

from bot.bodies import BodyRefused, read_body
from bot.intake import STATUS
from store.control_chars import strip_controls
from store.db import DATABASE_DOWN, Database
from store.mail import receive_mail
from store.views.mail import InboundMessage

MAX_BODY = 10_000_000  # attachments come inline; their bytes are read, never kept
MAX_FIELD = 200_000
_BRACKETED = re.compile(r"<([^<>\s@]+@[^<>\s@]+)>")


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
    if content_type.startswith("application/json"):
        return _postmark(body)
    if not content_type.startswith("multipart/form-data"):
        raise BodyRefused(400, "Post the mail as multipart/form-data (or urlencoded) fields, "
                               "or as Postmark's JSON.")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace") + body)
    if not message.is_multipart():
        raise BodyRefused(400, "The multipart body could not be read.")
    raw, files = {}, []
    for part in list(message.iter_parts())[:200]:
        name, filename = part.get_param("name", header="content-disposition"), part.get_filename()
        if filename:
            files.append(str(filename)[:200])
        elif name:
            raw[str(name)] = (part.get_payload(decode=True) or b"", part.get_content_charset())
    # SendGrid names each field's character set in a `charsets` field, not on the part.
    try:
        declared = json.loads(_decoded(*raw.get("charsets", (b"", None))) or "{}")
    except ValueError:
        declared = {}
    declared = declared if isinstance(declared, dict) else {}
    # Parsed, not typed: control characters (NUL, which PostgreSQL refuses) dropped.
    return {name: strip_controls(_decoded(payload, charset or declared.get(name)))[:MAX_FIELD]
            for name, (payload, charset) in raw.items()}, files


def _decoded(payload: bytes, charset: str | None) -> str:
    try:
        return payload.decode(charset or "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", "replace")


def _postmark(body: bytes) -> tuple[dict[str, str], list[str]]:
    """Postmark's inbound JSON as the form fields the other services post."""
    try:
        data = json.loads(body)
    except ValueError:
        raise BodyRefused(400, "The JSON body could not be read.") from None
    if not isinstance(data, dict):
        raise BodyRefused(400, "The JSON body must be an object.")
    headers = "\r\n".join(f"{h.get('Name')}: {h.get('Value')}" for h in data.get("Headers") or []
                           if isinstance(h, dict))
    fields = {"from": data.get("From"), "to": data.get("To"), "subject": data.get("Subject"),
              "text": data.get("StrippedTextReply") or data.get("TextBody"),
              "html": data.get("HtmlBody"), "headers": headers}
    files = [str(a.get("Name"))[:200] for a in data.get("Attachments") or []
             if isinstance(a, dict) and a.get("Name")]
    return {k: strip_controls(str(v))[:MAX_FIELD] for k, v in fields.items() if v}, files


def _headers(fields: dict[str, str]) -> str:
    """The raw header block; Mailgun posts it as `message-headers`, JSON [[name, value], …]."""
    if fields.get("headers"):
        return fields["headers"]
    try:
        pairs = json.loads(fields.get("message-headers") or "[]")
    except ValueError:
        return ""
    return "\r\n".join(f"{p[0]}: {p[1]}" for p in pairs if isinstance(p, list) and len(p) == 2)


class _Text(HTMLParser):
    """An HTML-only mail's words, without its tags, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "tr", "li"):
            self.parts.append("\n")
        elif tag in ("td", "th"):  # a table's cells stay apart: WID-1042-BL 4, not WID-1042-BL4
            self.parts.append("\t")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _html_text(html: str) -> str:
    reader = _Text()
    reader.feed(html)
    reader.close()
    lines = ("  ".join(cell.strip() for cell in line.split("\t") if cell.strip())
             for line in "".join(reader.parts).splitlines())
    return "\n".join(line for line in lines if line)


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


def _sender(value: str) -> str:
    """The one address a From names; "" when it names none or several. A display name that
    looks like an address (`orders@acme.example <attacker@evil.example>`, unquoted) is not the
    sender: parseaddr read it as one, and the mail was taken as the customer's own."""
    try:
        header = email.policy.default.header_factory("from", value[:998])
    except Exception:  # noqa: BLE001 - the parser's own failure on junk: no address
        return ""
    invalid = any(isinstance(d, InvalidHeaderDefect) for d in header.defects)
    if not invalid and len(header.addresses) == 1 and "@" in header.addresses[0].addr_spec:
        return header.addresses[0].addr_spec.strip()
    bracketed = _BRACKETED.findall(value)  # malformed: the address in angle brackets, if one
    return bracketed[0] if len(bracketed) == 1 else ""


def parse_inbound(environ: dict, body: bytes) -> InboundMessage:
    fields, files = _form(environ, body)
    sender = _sender(fields.get("from") or "")
    if not sender:
        raise BodyRefused(400, "The `from` field is missing or not an address.", "from")
    headers = HeaderParser().parsestr(_headers(fields))
    wanted = ("in-reply-to", "references", "content-type", "message-id", "auto-submitted",
              "x-autoreply", "x-autorespond", "precedence")
    return InboundMessage(
        from_address=sender[:254], to=(fields.get("to") or "")[:2000],
        subject=(fields.get("subject") or "").strip()[:200],
        # SendGrid and Postmark post `text`, Mailgun `stripped-text` and `body-plain`.
        text=fields.get("text") or fields.get("stripped-text") or fields.get("body-plain")
        or _html_text(fields.get("html") or fields.get("body-html") or ""),
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
