"""Importing customers: upsert by code, default shipping address, row rejections."""

from sqlalchemy import select

from store.enums import AddressKind
from store.importer import import_file
from store.models import Customer, CustomerAddress, Event
from tests.support.imports import FIXTURES, write_csv

CUSTOMERS = FIXTURES / "customers.csv"
HEADER = ["customer_code", "name", "email", "phone", "credit_limit", "currency", "sales_rep",
          "address_line1", "address_line2", "city", "region", "postal_code", "country"]


def customer(db, code):
    with db.read() as s:
        found = s.scalars(select(Customer).where(Customer.code == code)).one()
        return found, [(a.kind, a.is_default, a.line1, a.city, a.postal_code, a.country)
                       for a in found.addresses]


def test_each_bad_row_is_rejected_with_its_column(db):
    report = import_file(db, kind="customers", path=CUSTOMERS)
    assert [(r.row, r.column) for r in report.rejections] == [
        (6, "customer_code"), (7, "name"), (8, "credit_limit"), (9, "sales_rep")]
    assert "credit_limit 'lots' is not a number" in report.rejections[2].reason
    assert "'jane@example.com' is not a Slack user id" in report.rejections[3].reason
    assert (report.rows_imported, report.rows_rejected) == (4, 4)


def test_values_and_the_default_shipping_address_are_stored(db):
    import_file(db, kind="customers", path=CUSTOMERS)
    tanaka, addresses = customer(db, "TANAKA")
    assert (tanaka.name, tanaka.currency, tanaka.credit_limit_minor, tanaka.sales_rep_id) == (
        "田中商事株式会社", "JPY", 1_000_000, "U0SALES1")
    assert addresses == [(AddressKind.SHIPPING, True, "千代田1-1", "千代田区", "100-0001", "JP")]
    acme, _ = customer(db, "ACME")
    assert acme.credit_limit_minor == 5_000_000
    hostile, addresses = customer(db, "HOSTILE")
    assert (hostile.name, hostile.credit_limit_minor, addresses) == (
        "<!channel> Alerts Ltd", None, [])


def test_reimport_is_unchanged_and_an_update_changes_the_address_in_place(db, tmp_path):
    import_file(db, kind="customers", path=CUSTOMERS)
    again = import_file(db, kind="customers", path=CUSTOMERS)
    assert (again.rows_imported, again.rows_unchanged) == (0, 4)
    moved = write_csv(tmp_path / "c.csv", HEADER, [
        ["ACME", "Acme Corp", "buyer@acme.example", "+1 555 0100", "50000.00", "USD",
         "U0SALES2", "9 Elm St", "", "Springfield", "IL", "62702", "us"],
    ])
    report = import_file(db, kind="customers", path=moved)
    assert report.rows_imported == 1
    acme, addresses = customer(db, "ACME")
    assert acme.sales_rep_id == "U0SALES2"
    assert addresses == [(AddressKind.SHIPPING, True, "9 Elm St", "Springfield", "62702", "US")]
    with db.read() as s:
        assert len(list(s.scalars(select(CustomerAddress)))) == 3


def test_a_customer_code_twice_in_one_file_is_rejected(db, tmp_path):
    path = write_csv(tmp_path / "c.csv", HEADER, [
        ["DUP", "Dup One", "", "", "", "USD", "", "", "", "", "", "", ""],
        ["DUP", "Dup Two", "", "", "", "USD", "", "", "", "", "", "", ""],
        ["NOCUR", "No Currency", "", "", "", "", "", "", "", "", "", "", ""],
    ])
    report = import_file(db, kind="customers", path=path)
    assert [(r.row, r.column) for r in report.rejections] == [
        (3, "customer_code"), (4, "currency")]
    assert customer(db, "DUP")[0].name == "Dup One"


def test_the_mail_language_is_imported_checked_and_empty_means_the_default(db, tmp_path):
    row = ["ACME", "Acme Corp", "", "", "", "USD", "", "", "", "", "", "", ""]
    path = write_csv(tmp_path / "c.csv", [*HEADER, "language"], [
        [*row, "ES"], ["BETA", *row[1:], ""], ["GAMMA", *row[1:], "fr"]])
    report = import_file(db, kind="customers", path=path)
    assert [(r.row, r.column) for r in report.rejections] == [(4, "language")]
    assert "'fr' is not one of en, es" in report.rejections[0].reason
    assert (customer(db, "ACME")[0].language, customer(db, "BETA")[0].language) == ("es", None)
    import_file(db, kind="customers", path=write_csv(tmp_path / "d.csv", HEADER, [row]))
    # Like every optional column, a file without it means "none": the workspace default.
    assert customer(db, "ACME")[0].language is None


def test_what_an_import_changes_of_known_customers_is_in_the_trail(db, tmp_path):
    """A file that moved an account to another rep or cut its credit limit left no trace: the
    customer's trail (and /orders audit) had only edits made in Slack."""
    import_file(db, kind="customers", path=CUSTOMERS)
    with db.read() as s:
        assert s.scalars(select(Event)).all() == []  # new customers: the import run says so
    moved = write_csv(tmp_path / "moved.csv", HEADER, [
        ["ACME", "Acme Corp", "buyer@acme.example", "+1 555 0100", "400.00", "USD",
         "U0SALES2", "9 Elm St", "", "Springfield", "IL", "62702", "us"],
    ])
    import_file(db, kind="customers", path=moved, actor="U0ADMIN")
    import_file(db, kind="customers", path=moved, actor="U0ADMIN")  # unchanged: nothing more
    with db.read() as s:
        events = s.scalars(select(Event)).all()
    assert len(events) == 1 and events[0].actor_id == "U0ADMIN"
    assert events[0].customer_id == customer(db, "ACME")[0].id
    assert events[0].summary.startswith("import moved.csv: edited ACME: ")
    changes = {c["field"]: (c["before"], c["after"]) for c in events[0].changes}
    assert changes["credit limit"] == ("$50,000.00", "$400.00")
    assert changes["sales rep"][1] == "U0SALES2"
    assert changes["shipping line1"][1] == "9 Elm St"


def test_a_limit_moved_to_another_currency_shows_each_side_in_its_own(db, tmp_path):
    import_file(db, kind="customers", path=CUSTOMERS)
    yen = write_csv(tmp_path / "yen.csv", HEADER, [
        ["ACME", "Acme Corp", "buyer@acme.example", "+1 555 0100", "6000000", "JPY",
         "U0SALES1", "1 Main St", "", "Springfield", "IL", "62701", "us"],
    ])
    import_file(db, kind="customers", path=yen)
    with db.read() as s:
        (event,) = s.scalars(select(Event)).all()
    changes = {c["field"]: (c["before"], c["after"]) for c in event.changes}
    assert changes["credit limit"] == ("$50,000.00", "¥6,000,000")
    assert changes["currency"] == ("USD", "JPY")
