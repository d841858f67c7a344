"""Customer and stock messages: content, escaping, valid Block Kit."""

import json

from messages.customers import customer_card, customer_edit_modal, product_candidates, stock_card
from sandbox.blockkit import validate_message_blocks, validate_view
from store.views.orders import (
    AddressView,
    ContactView,
    CustomerView,
    ProductMatch,
    StockRow,
    StockView,
)
from tests.support.views import HOSTILE, candidate


def customer(**overrides) -> CustomerView:
    values = dict(
        id=1, code="ACME", name="Acme Corp", email="orders@acme.example", phone="+1 555 0100",
        sales_rep_id="U0SALES1", currency="USD", credit_limit_minor=500_000,
        credit_used_minor=612_345,
        contacts=(ContactView(name="Ann Buyer", email="ann@acme.example", phone=None,
                              role="Purchasing"),),
        addresses=(), default_shipping=AddressView(name="Dock 4", line1="1 Main St",
                                                   city="Springfield", country="US"),
        open_orders=(candidate("SO-1"), candidate("SO-2")), open_order_count=2, version="abc")
    return CustomerView(**{**values, **overrides})


def test_the_customer_cards_order_buttons_say_open_or_abrir():
    from messages import i18n

    def buttons():
        return [b["accessory"]["text"]["text"] for b in customer_card(customer())["blocks"]
                if b.get("accessory", {}).get("type") == "button"]
    assert buttons() == ["Open", "Open"]
    with i18n.using("es_ES"):
        assert buttons() == ["Abrir", "Abrir"]


def test_customer_card_shows_credit_against_limit_and_flags_over_limit():
    card = customer_card(customer())
    text = json.dumps(card)
    assert "$6,123.45 used of $5,000.00" in text and "over limit" in text
    assert "<@U0SALES1>" in text
    assert validate_message_blocks(card["blocks"]) == []


def test_customer_without_limit_says_it_has_no_credit_terms():
    """It read "no limit", but without a limit release waits for payment ("not on terms")."""
    text = json.dumps(customer_card(customer(credit_limit_minor=None)))
    assert "no credit terms (pays first)" in text and "no limit" not in text


def test_hostile_customer_text_is_escaped_and_valid():
    card = customer_card(customer(name=HOSTILE, email=HOSTILE, contacts=(
        ContactView(name=HOSTILE, email=None, phone=None, role=HOSTILE),)))
    sections = json.dumps([b for b in card["blocks"] if b["type"] != "header"])
    assert "<!channel>" not in sections
    assert validate_message_blocks(card["blocks"]) == []
    assert validate_view(customer_edit_modal(customer(name=HOSTILE), channel_id="C1")) == []


def test_stock_figures_are_grouped_the_readers_way():
    from messages import i18n
    stock = StockView(sku="WID-1", name="Widget", unit_price_minor=1250, currency="EUR",
                      active=True, warehouses=(StockRow("EAST", "East DC", 12345, 1111, 11234),),
                      total_on_hand=12345, total_reserved=1111, total_available=11234)
    assert ("12,345 on hand · 1,111 reserved · *11,234 available*"
            in json.dumps(stock_card(stock), ensure_ascii=False))
    with i18n.using("es_ES"):
        table = stock_card(stock)["blocks"][2]["text"]["text"]
    assert "12.345" in table and "1.111" in table and "11.234" in table and "," not in table


def test_stock_card_totals_and_inactive_products():
    stock = StockView(sku="WID-1", name="Widget", unit_price_minor=1250, currency="USD",
                      active=False, warehouses=(StockRow("EAST", "East DC", 100, 10, 90),),
                      total_on_hand=100, total_reserved=10, total_available=90)
    card = stock_card(stock)
    text = json.dumps(card)
    assert "*90 available*" in text and "inactive" in text
    assert validate_message_blocks(card["blocks"]) == []


def test_product_candidates_and_no_match():
    found = product_candidates("WID", (ProductMatch("WID-1", "Widget", 90.0, True),))
    assert [b["accessory"]["value"] for b in found["blocks"] if "accessory" in b] == ["WID-1"]
    assert "Nothing matches" in json.dumps(product_candidates("zzz", ()))
    assert validate_message_blocks(found["blocks"]) == []
