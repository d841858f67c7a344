"""/customer <query>: the customer card, and contact / address edits logged like order edits."""

import pytest
from sqlalchemy import select

from store.customers.operations import edit_customer, get_customer
from store.enums import PaymentStatus
from store.errors import CustomerNotFound, CustomerUnclear, StaleEdit, ValidationFailed
from store.models import Customer, Event, Order
from store.views.orders import AddressView, ContactView
from tests.support.clock import days_ago
from tests.support.desk import add_order, build

NEW_ADDRESS = AddressView(name="Acme Dock", line1="9 Elm St", city="Shelbyville", region="IL",
                          postal_code="62565", country="us")


@pytest.fixture
def desk(db):
    return build(db)


def test_a_code_shows_contact_addresses_open_orders_and_credit(db, desk):
    view = get_customer(db, query="acme")
    assert (view.code, view.name, view.email) == ("ACME", "Acme Corporation",
                                                  "orders@acme.example")
    assert view.contacts[0].name == "Acme Corporation Buyer"
    assert view.default_shipping.city == "Springfield"
    assert [c.ref for c in view.open_orders] == ["SO-1045", "SO-1042"]
    assert view.open_order_count == 2
    # Only SO-1042 counts: confirmed and unpaid (SO-1045 is a draft).
    assert (view.credit_used_minor, view.credit_limit_minor) == (7995, 500_000)


def test_paid_and_canceled_orders_use_no_credit(db, desk):
    with db.write() as s:
        s.scalar(select(Order).where(Order.ref == "SO-1042")).payment_status = \
            PaymentStatus.CAPTURED
    assert get_customer(db, query="ACME").credit_used_minor == 0
    assert get_customer(db, query="GLOBEX").credit_used_minor == 0


def test_open_orders_show_at_most_ten_newest_first(db, desk):
    with db.write() as s:
        for n in range(12):
            add_order(s, f"SO-50{n:02d}", desk["GLOBEX"], days_ago(85 - n, 0),
                      lines=[("WID-1042-BL", None, 1, 1250)])
    view = get_customer(db, query="globex")
    assert view.open_order_count == 12 and len(view.open_orders) == 10
    assert view.open_orders[0].ref == "SO-5011"


def test_a_typo_in_the_name_finds_the_customer(db, desk):
    assert get_customer(db, query="Beta Industrail Supply").code == "BETA"


def test_an_unclear_name_raises_with_the_closest_candidates(db, desk):
    with db.write() as s:
        s.add(Customer(code="ACME2", name="Acme Corporation", currency="USD"))
        s.add(Customer(code="ACMEW", name="Acme Corp West", currency="USD"))
    with pytest.raises(CustomerUnclear) as caught:
        get_customer(db, query="acme corporation")
    assert {code for code, _ in caught.value.candidates} >= {"ACME", "ACME2"}
    assert "`ACME`" in caught.value.message or "`ACME2`" in caught.value.message


def test_nothing_close_raises_customer_not_found(db, desk):
    with pytest.raises(CustomerNotFound, match="zzqx"):
        get_customer(db, query="zzqx")


def test_editing_contact_and_address_is_logged_per_field(db, desk):
    before = get_customer(db, query="ACME")
    after = edit_customer(
        db, code="acme", actor="U0PROC1", expected_version=before.version,
        email="buying@acme.example", phone=None,
        contact=ContactView(name="Wile E. Coyote", email="wile@acme.example", phone=None,
                            role="Purchasing"),
        address=NEW_ADDRESS,
    )
    assert after.email == "buying@acme.example" and after.phone is None
    assert after.contacts[0].name == "Wile E. Coyote"
    assert after.default_shipping.lines() == ["Acme Dock", "9 Elm St", "Shelbyville IL 62565",
                                              "US"]
    assert after.version != before.version
    with db.read() as s:
        [event] = s.scalars(select(Event).where(Event.customer_id == desk["ACME"]))
    assert (event.kind, event.actor_id) == ("customer_edited", "U0PROC1")
    assert [(c["field"], c["before"], c["after"]) for c in event.changes] == [
        ("email", "orders@acme.example", "buying@acme.example"),
        ("phone", "+1 555 0100", ""),
        ("contact name", "Acme Corporation Buyer", "Wile E. Coyote"),
        ("contact email", "buyer@ACME.example", "wile@acme.example"),
        ("shipping address name", "Acme Corporation Receiving", "Acme Dock"),
        ("shipping address line 1", "1 Main St", "9 Elm St"),
        ("shipping address city", "Springfield", "Shelbyville"),
        ("shipping address postal code", "62701", "62565"),
    ]


def test_customer_validation_errors_are_keyed(db, desk):
    version = get_customer(db, query="ACME").version
    with pytest.raises(ValidationFailed) as caught:
        edit_customer(db, code="ACME", actor="U0PROC1", expected_version=version,
                      email="not-an-email", phone="call me",
                      contact=ContactView(name="", email=None, phone=None, role=None),
                      address=AddressView(line1="1 Main St", city="", postal_code="1",
                                          country="USA"))
    assert set(caught.value.errors) == {"email", "phone", "contact.name", "address.city",
                                        "address.country"}
    assert get_customer(db, query="ACME").version == version


def test_a_stale_customer_edit_is_refused_and_says_what_changed(db, desk):
    opened = get_customer(db, query="BETA").version
    edit_customer(db, code="BETA", actor="U0ALICE", expected_version=opened,
                  phone="+1 555 0199")
    with pytest.raises(StaleEdit) as caught:
        edit_customer(db, code="BETA", actor="U0BOB", expected_version=opened,
                      email="ap@beta.example")
    assert caught.value.changes == ["phone: +1 555 0100 → +1 555 0199"]
    assert get_customer(db, query="BETA").email == "orders@beta.example"


def test_an_edit_that_changes_nothing_logs_nothing(db, desk):
    view = get_customer(db, query="GLOBEX")
    after = edit_customer(db, code="GLOBEX", actor="U0PROC1", expected_version=view.version,
                          email="orders@globex.example")
    assert after.version == view.version
    with db.read() as s:
        assert s.scalars(select(Event)).first() is None
