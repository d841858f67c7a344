"""POST /connect/mail with whatever a mail service (or anyone holding the secret) might send:
every body is an answer with a status, never an exception; what is kept stays within bounds."""

from __future__ import annotations

import base64
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.mail import mail_request
from store.models import InboundMail

SECRET = "s3cret"
TYPES = st.sampled_from(["multipart/form-data; boundary=b", "multipart/form-data",
                         "application/x-www-form-urlencoded", "text/plain", ""])
FIELD = st.sampled_from(["from", "to", "subject", "text", "html", "headers", "attachments",
                         "attachment-info"])
VALUE = st.text(max_size=300) | st.sampled_from(["a@b.example", "<x@y>", "{]", "[{}]",
                                                 "In-Reply-To: <m@x>\r\nReferences: <"])


def _multipart(fields: list[tuple[str, str]]) -> bytes:
    return "".join(f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                   for k, v in fields).encode("utf-8", "surrogatepass") + b"--b--\r\n"


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content_type=TYPES, raw=st.binary(max_size=400) | st.lists(
    st.tuples(FIELD, VALUE), max_size=8).map(_multipart))
def test_any_body_is_answered_with_a_status(db, content_type, raw):
    environ = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": content_type,
               "CONTENT_LENGTH": str(len(raw)), "wsgi.input": io.BytesIO(raw),
               "HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"x:{SECRET}".encode())
               .decode()}
    status, answer = mail_request(environ, db=db, secret=SECRET)
    assert status[:3] in ("200", "400") and answer["ok"] == status.startswith("200")
    with db.read() as s:
        for row in s.scalars(select(InboundMail)):
            assert len(row.subject) <= 200 and len(row.from_address) <= 254
