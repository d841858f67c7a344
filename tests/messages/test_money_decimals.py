"""Money is shown with its currency's own decimals, the ISO 4217 exponent it is stored in
(store.money): English knew five zero-decimal currencies and divided the rest by 100 (1234 KWD,
1.234 KWD, read 12.34 KWD), Spanish took CLDR's display digits (1234 IQD, 1.234 IQD, read
1.234 thousand). The exports already used the exponent, so the report and its file disagreed."""

from __future__ import annotations

import pytest

from messages import i18n
from messages.text import amount, money


@pytest.mark.parametrize(("minor", "currency", "english", "spanish"), [
    (1234, "KWD", "1.234 KWD", "1,234 KWD"),
    (1500, "BHD", "1.500 BHD", "1,500 BHD"),
    (1234, "IQD", "1.234 IQD", "1,234 IQD"),
    (5000, "XOF", "5,000 XOF", "5.000 XOF"),
    (700, "UGX", "700 UGX", "700 UGX"),
    (1200, "JPY", "¥1,200", "1.200 JPY"),
    (-123456, "EUR", "-€1,234.56", "-1.234,56 €"),
    (1250, "USD", "$12.50", "12,50 US$"),
    (1234, "IRR", "12.34 IRR", "12,34 IRR"),
])
def test_money_has_its_currencys_decimals_in_each_language(minor, currency, english, spanish):
    assert money(minor, currency) == english
    with i18n.using("es_ES"):  # Babel keeps the amount and its code together (a no-break space)
        assert money(minor, currency).replace("\xa0", " ") == spanish


@pytest.mark.parametrize(("minor", "currency", "english", "spanish"), [
    (1234, "KWD", "1.234", "1,234"), (700, "UGX", "700", "700"), (1250, "USD", "12.50", "12,50"),
    (-5, "EUR", "-0.05", "-0,05"), (0, "BHD", "0.000", "0,000"),
])
def test_an_amount_to_edit_has_them_too_and_reads_back_as_stored(minor, currency, english,
                                                                 spanish):
    assert amount(minor, currency) == english
    with i18n.using("es_ES"):
        assert amount(minor, currency) == spanish
        if minor >= 0:  # what the reader sees is what is read back
            assert i18n.typed_figure(spanish) == english
