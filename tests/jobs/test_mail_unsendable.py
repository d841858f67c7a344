"""Mail to an address a server can't take fails on its own, at once, saying why, and never
holds back the other mail.

- info@bücher.de: a relay without SMTPUTF8 (SES, many Postfix setups) refused it before a word
  was sent; it was filed as a connection error and retried for ~5 hours. Its domain has an
  ASCII form any server takes.
- josé@example.com has none: only an SMTPUTF8 server takes it, so it goes dead at once.
- An imported email cell with a line break ('ap@beta.example\\nBcc: …') made building the mail
  raise ValueError out of the sweep: that mail stayed pending for ever, unexplained, and the
  mails claimed after it in the same batch were never sent. The import now refuses the cell,
  and a bad address already stored fails its own mail only."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from jobs.mail import deliver_mail, queue_notices
from store import clock
from store.enums import MailStatus
from store.importer import import_file
from store.mail.sending import LEASE
from store.models import Customer, OutgoingMail
from tests.support.desk import build
from tests.support.smtp import send_prefilled


@pytest.fixture
def desk(db):
    return build(db)


def _write_to(db, address: str | None = None):
    if address is not None:
        with db.write() as s:
            s.execute(update(Customer).where(Customer.code == "ACME").values(email=address))
    return send_prefilled(db, actor="U0PROC1")


def _rows(db) -> list[OutgoingMail]:
    with db.read() as s:
        return list(s.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_an_internationalised_domain_goes_out_in_its_ascii_form(db, desk, ascii_only_smtp):
    _write_to(db, "info@bücher.de")
    assert deliver_mail(db, ascii_only_smtp.settings) == 1, _rows(db)[0].last_error
    assert ascii_only_smtp.received[0].recipients == ["info@xn--bcher-kva.de"]


def test_a_local_part_no_server_of_ours_takes_fails_for_good_at_once(db, desk, ascii_only_smtp):
    _write_to(db, "josé@example.com")
    deliver_mail(db, ascii_only_smtp.settings)
    (row,) = _rows(db)
    assert row.status == MailStatus.DEAD, (row.status, row.last_error)
    assert row.last_error.startswith("unsendable: ") and "SMTPUTF8" in row.last_error


def test_an_address_with_a_line_break_is_refused_by_the_import(db, desk, tmp_path):
    csv = tmp_path / "customers.csv"
    csv.write_text('customer_code,name,email,currency\n'
                   'BETA,Beta Industrial Supply,"ap@beta.example\nBcc: x@evil.example",USD\n'
                   'GAMMA,Gamma Supply,"a@gamma.example; b@gamma.example",USD\n',
                   encoding="utf-8")
    report = import_file(db, kind="customers", path=csv)
    assert report.rows_imported == 0
    assert [(r.row, r.column) for r in report.rejections] == [(2, "email"), (4, "email")]
    assert "Line breaks are not allowed" in report.rejections[0].reason
    with db.read() as s:
        assert s.scalar(select(Customer.email).where(Customer.code == "BETA")) \
            == "orders@beta.example"  # unchanged


def test_a_bad_stored_address_fails_only_its_own_mail(db, desk, smtp_server, set_clock):
    with db.write() as s:  # stored before imports checked: BETA opted in to shipped notices
        s.execute(update(Customer).where(Customer.code == "BETA").values(
            email="ap@beta.example\nBcc: x@evil.example", notice_shipped=True))
    assert queue_notices(db, smtp_server.settings) == 1
    _write_to(db)  # then a processor writes to Acme
    for _ in range(2):  # two sweeps, the second after the lease ran out
        deliver_mail(db, smtp_server.settings)
        set_clock.set(clock.now() + LEASE + LEASE)
    assert [r.recipients for r in smtp_server.received] == [["orders@acme.example"]]
    bad = next(r for r in _rows(db) if r.dedupe_key is not None)
    assert bad.status == MailStatus.DEAD and bad.last_error.startswith("unsendable: ")
