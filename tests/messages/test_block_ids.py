"""Every modal names its inputs with messages.blocks, the ids handlers read and store errors
are keyed by: each rendered input's block id is one the modal's Blocks class makes, and every
field the Blocks class makes is in the modal."""

from __future__ import annotations

from types import SimpleNamespace

from messages.approvals import reject_modal
from messages.blocks import (
    CustomerBlocks,
    EditOrderBlocks,
    FlagBlocks,
    MailBlocks,
    NewOrderBlocks,
    ReasonBlocks,
    ResolveBlocks,
    ReturnBlocks,
    ShipBlocks,
)
from messages.customers import customer_edit_modal
from messages.edit_order import edit_order_modal
from messages.fulfilment import cancel_modal, ship_modal
from messages.mail import mail_modal
from messages.returns import return_modal
from messages.triage_modals import NEW_ORDER_LINES, flag_modal, new_order_modal, resolve_modal
from store.control_chars import TEXT_LIMITS as L
from store.customers import get_customer
from store.fulfilment import return_form, ship_form
from store.mail import draft_for
from store.orders import get_order
from store.triage import flag_order
from store.views.orders import ADDRESS_FIELDS, ADDRESS_MAX_LENGTH
from tests.support.desk import build


def inputs(view: dict) -> set[str]:
    return {b["block_id"] for b in view["blocks"] if b["type"] == "input"}


def test_the_order_editor_names_its_inputs_with_edit_order_blocks(db):
    build(db)
    order = get_order(db, ref="SO-1042")
    view = edit_order_modal(order, channel_id=None, hold_reasons=["other"])
    b = EditOrderBlocks
    expected = {b.REQUESTED_DATE, b.SHIPPING_INSTRUCTIONS, b.REMOVE_LINES, b.NEW_SKU,
                b.NEW_QUANTITY, b.NEW_UNIT_PRICE, b.PAYMENT, b.HOLD, b.HOLD_NOTE,
                *([b.TRANSITION] if order.allowed_transitions else []),
                *(b.ship_to(f) for f in ADDRESS_FIELDS),
                *(i(x.line_no) for x in order.lines for i in (b.quantity, b.unit_price))}
    assert inputs(view) - {b.RELEASE_HOLDS} == expected


def test_the_new_order_modal_names_its_inputs_with_new_order_blocks():
    b = NewOrderBlocks
    expected = {b.CUSTOMER, b.PO_NUMBER, b.REQUESTED_DATE, b.SHIPPING, b.NOTES,
                *(b.ship_to(f) for f in ("name", "line1", "line2", "city", "region",
                                         "postal_code", "country")),
                *(i(n) for n in range(1, NEW_ORDER_LINES + 1)
                  for i in (b.sku, b.quantity, b.unit_price))}
    assert inputs(new_order_modal(channel_id=None)) == expected


def test_the_ship_and_return_modals_name_their_inputs_with_their_blocks(db):
    build(db)
    form = ship_form(db, ref="SO-1042")
    expected = {ShipBlocks.CARRIER, ShipBlocks.SERVICE, ShipBlocks.SHIP_DATE,
                ShipBlocks.TRACKING, *(ShipBlocks.quantity(x.key) for x in form.lines)}
    assert inputs(ship_modal(form, channel_id=None)) == expected

    form = return_form(db, ref="SO-1044")
    b = ReturnBlocks
    expected = {b.NOTE, *(i(x.line_no) for x in form.lines
                          for i in (b.quantity, b.outcome, b.reason, b.sku))}
    assert inputs(return_modal(form, channel_id=None, policy="pro_rata")) == expected


def test_the_customer_editor_names_its_inputs_with_customer_blocks(db):
    build(db)
    view = customer_edit_modal(get_customer(db, query="ACME"), channel_id=None)
    b = CustomerBlocks
    assert inputs(view) == {b.EMAIL, b.PHONE, b.NOTICES, b.LANGUAGE,
                            *map(b.contact, b.CONTACT_FIELDS),
                            *map(b.address, ADDRESS_FIELDS)}


def test_the_mail_modal_names_its_inputs_with_mail_blocks_and_the_template(db):
    build(db)
    view = mail_modal(draft_for(db, ref="SO-1042"), template="shipped", channel_id=None)
    b = MailBlocks
    assert inputs(view) == {b.TO, f"{b.SUBJECT}.shipped", f"{b.BODY}.shipped"}


def test_the_triage_and_reason_modals_name_their_inputs_with_their_blocks(db):
    build(db)
    flagged = flag_order(db, ref="SO-1045", actor="U0PROC1", reason="wrong address")
    resolve = resolve_modal(flagged.discrepancy, reasons=[("fixed", "Fixed")], channel_id=None)
    assert inputs(resolve) == {ResolveBlocks.REASON, ResolveBlocks.NOTE}
    approval = SimpleNamespace(id=7, kind="refund", ref="SO-1042", amount_minor=100,
                               currency="USD", detail="")
    assert inputs(reject_modal(approval, channel_id=None)) == {ReasonBlocks.REASON}
    assert inputs(cancel_modal(ref="SO-1042", channel_id=None)) == {ReasonBlocks.REASON}
    assert inputs(flag_modal(ref=None, reason=None, channel_id=None)) == {FlagBlocks.REF,
                                                                          FlagBlocks.REASON}


def max_lengths(view: dict) -> dict[str, int | None]:
    return {b["block_id"]: b["element"].get("max_length") for b in view["blocks"]
            if b["type"] == "input" and b["element"]["type"] == "plain_text_input"}


def test_free_text_inputs_stop_at_the_stores_limits(db):
    """Slack stops typing at max_length; the store refuses past the same TEXT_LIMITS."""
    build(db)
    order = get_order(db, ref="SO-1042")
    editor = max_lengths(edit_order_modal(order, channel_id=None, hold_reasons=["other"]))
    assert (editor[EditOrderBlocks.HOLD_NOTE], editor[EditOrderBlocks.SHIPPING_INSTRUCTIONS]) \
        == (L["hold_note"], L["shipping_instructions"])
    flagged = flag_order(db, ref="SO-1045", actor="U0PROC1", reason="wrong address")
    resolve = resolve_modal(flagged.discrepancy, reasons=[("fixed", "Fixed")], channel_id=None)
    assert max_lengths(resolve)[ResolveBlocks.NOTE] == L["resolution_note"]
    approval = SimpleNamespace(id=7, kind="refund", ref="SO-1042", amount_minor=100,
                               currency="USD", detail="")
    for modal in (reject_modal(approval, channel_id=None),
                  cancel_modal(ref="SO-1042", channel_id=None),
                  flag_modal(ref=None, reason=None, channel_id=None)):
        assert max_lengths(modal)[ReasonBlocks.REASON] == L["reason"]
    ship = max_lengths(ship_modal(ship_form(db, ref="SO-1042"), channel_id=None))
    assert ship[ShipBlocks.SERVICE] == L["service"]
    returns = return_modal(return_form(db, ref="SO-1044"), channel_id=None, policy="pro_rata")
    assert max_lengths(returns)[ReturnBlocks.NOTE] == L["return_note"]
    customer = max_lengths(customer_edit_modal(get_customer(db, query="ACME"), channel_id=None))
    assert customer[CustomerBlocks.contact("role")] == L["contact_role"]
    assert customer[CustomerBlocks.EMAIL] == L["email"]
    # the New order modal's ship-to stops where the edit and the store do (city 100, postal 32)
    entry = max_lengths(new_order_modal(channel_id=None))
    assert {part: entry[NewOrderBlocks.ship_to(part)] for part in ADDRESS_MAX_LENGTH} \
        == {part: editor[EditOrderBlocks.ship_to(part)] for part in ADDRESS_MAX_LENGTH} \
        == ADDRESS_MAX_LENGTH
    assert all(length is not None for view in (editor, ship, customer, entry)
               for length in view.values()), "every text input has a max_length"
