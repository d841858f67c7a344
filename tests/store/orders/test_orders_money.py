"""Money typed by people and shown to them; order status rules. Pure functions."""

import pytest

from store.orders.operations import format_money, parse_money
from store.states import allowed_transitions, transition_problem


@pytest.mark.parametrize("text, currency, minor", [
    ("12.50", "USD", 1250), ("$12.50", "USD", 1250), ("12.5 usd", "USD", 1250),
    ("0", "USD", 0), ("1200", "JPY", 1200), ("€3.20", "EUR", 320), ("1.234", "KWD", 1234),
])
def test_parse_money(text, currency, minor):
    assert parse_money(text, currency) == minor


@pytest.mark.parametrize("text, message", [
    ("12.505", "more decimals than USD allows"), ("abc", "is not a number"),
    ("-3", "negative"), ("1,234.50", "comma"), ("", "not an amount"), ("1e3", "digits"),
    ("12_50", "is not a number"),  # Decimal's digit grouping: it was $1,250.00
])
def test_parse_money_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_money(text, "USD")


@pytest.mark.parametrize("text, currency", [
    ("€12.50", "USD"), ("$12.50", "EUR"), ("£3", "USD"), ("12.50 EUR", "USD"),
    ("$12.50", "CHF"), ("$12.50", "GBP"),
])
def test_another_currencys_symbol_is_not_taken_for_the_orders(text, currency):
    """"€12.50" on a USD order was stored as $12.50: the symbol was dropped, whichever it was."""
    with pytest.raises(ValueError, match="the amount only, like 12.50"):
        parse_money(text, currency)


@pytest.mark.parametrize("text, currency, minor", [
    ("US$12.50", "USD", 1250), ("CA$12.50", "CAD", 1250), ("$12.50", "CAD", 1250),
    ("A$3", "AUD", 300), ("¥1200", "JPY", 1200), ("£3", "GBP", 300),
    # the other dollars and the pesos are written with '$' where they are used
    ("$12.50", "NZD", 1250), ("$12.50", "HKD", 1250), ("$120", "MXN", 12000),
    ("$1200", "CLP", 1200),
])
def test_a_dollar_sign_is_taken_for_the_dollars(text, currency, minor):
    assert parse_money(text, currency) == minor


@pytest.mark.parametrize("minor, currency, shown", [
    (123450, "USD", "$1,234.50"), (1200, "EUR", "€12.00"), (1200, "JPY", "¥1,200"),
    (-5, "USD", "-$0.05"), (1234, "CHF", "12.34 CHF"), (0, "GBP", "£0.00"),
])
def test_format_money(minor, currency, shown):
    assert format_money(minor, currency) == shown


def test_transitions_come_from_one_table():
    assert allowed_transitions("draft", "unfulfilled") == ("open", "canceled")
    assert allowed_transitions("open", "packed") == ("canceled",)  # #15.8: nothing shipped
    assert allowed_transitions("open", "partially_shipped") == ("completed",)
    assert allowed_transitions("completed", "delivered") == ()
    assert allowed_transitions("canceled", "unfulfilled") == ()


def test_refused_transitions_say_why():
    assert "can't change status" in transition_problem("canceled", "unfulfilled", "open")
    assert "not an order status" in transition_problem("open", "unfulfilled", "shipped")
    assert "return" in transition_problem("open", "delivered", "canceled")
    assert "Nothing has shipped" in transition_problem("open", "unfulfilled", "completed")
    assert transition_problem("open", "shipped", "completed") is None
