"""Numbers typed in modal fields, read in the reader's conventions; typed domain errors worded
in the reader's language from the error's data (English: the store's own message)."""

from __future__ import annotations

import pytest

from messages import i18n
from messages.errors import error_text
from store.errors import (
    AmbiguousRef,
    FixNotApplied,
    NotAllowed,
    NotVisible,
    OrderNotFound,
    StaleEdit,
    ValidationFailed,
)


@pytest.mark.parametrize(("locale", "typed", "read"), [
    ("es_ES", "12,50", "12.50"), ("es_ES", "1.234,56", "1234.56"), ("es_ES", "1234", "1234"),
    ("es_ES", "1.234.567", "1234567"), ("es_ES", "12,50 €", "12.50 €"),
    ("es_ES", "EUR 7,5", "EUR 7.5"),
    ("es_US", "12.50", "12.50"), ("es_US", "1,234.56", "1234.56"), ("es_US", "$12.50", "$12.50"),
    # English is untouched: the store's own rules (a dot, no separators) decide.
    ("en", "12,50", "12,50"), ("en", "1,234.56", "1,234.56"), ("en", "12.50", "12.50"),
    # Not a figure at all: left for the store to say what is wrong.
    ("es_ES", "doce", "doce"), ("es_ES", "-3", "-3"),
])
def test_a_figure_is_read_in_the_readers_conventions(locale, typed, read):
    with i18n.using(locale):
        assert i18n.typed_figure(typed) == read


@pytest.mark.parametrize(("locale", "typed", "says"), [
    ("es_ES", "1.234", "se puede leer de dos maneras: escribe 1234 sin el «.»"),
    ("es_ES", "12.50", ("«12.50» no es un número tal como los escribes: usa «,» para los "
                        "decimales, como 1.234,50")),
    ("es_ES", "1,234.56", "usa «,» para los decimales"),
    ("es_US", "12,50", "usa «.» para los decimales, como 1,234.50"),
    ("es_US", "1,234", "se puede leer de dos maneras: escribe 1234 sin el «,»"),
])
def test_a_figure_read_two_ways_or_not_in_the_readers_way_is_refused_in_their_words(
        locale, typed, says):
    with i18n.using(locale), pytest.raises(i18n.NotAFigure) as refused:
        i18n.typed_figure(typed)
    assert says in str(refused.value)


def test_amounts_are_shown_for_editing_as_the_reader_types_them():
    from messages.text import amount
    assert amount(123450, "EUR") == "1234.50"
    with i18n.using("es_ES"):
        assert amount(123450, "EUR") == "1234,50" and amount(1200, "JPY") == "1200"
        assert i18n.typed_figure(amount(123450, "EUR")) == "1234.50"  # and read back
    with i18n.using("es_US"):
        assert amount(123450, "USD") == "1234.50"


ERRORS = [
    (OrderNotFound("SO-9"), "No se encontró ningún pedido `SO-9`."),
    (AmbiguousRef("1001", ["WEB-1001", "#1001"]), "`1001` podría ser `WEB-1001`, `#1001`."),
    (NotAllowed("edit orders", "sales", ["processor", "manager", "admin"]),
     ("No puedes editar pedidos: tu rol es ventas; hace falta procesador o gerente o "
      "administrador.")),
    (NotVisible("SO-9", "The lines"), "Las líneas de `SO-9` son para el representante"),
    (StaleEdit("Order SO-9", ["ship_to.city"]),
     ("Pedido SO-9: otra persona lo cambió después de que lo abrieras, así que no se guardó "
      "nada. Cambiado entretanto: ship_to.city.")),
    (ValidationFailed({"lines.1.unit_price": "Something went wrong; nothing was saved."}),
     "Corrige: lines.1.unit_price: Algo falló; no se guardó nada."),
]


@pytest.mark.parametrize(("error", "spanish"), ERRORS, ids=lambda e: type(e).__name__)
def test_a_typed_error_is_worded_in_the_readers_language_and_kept_in_english(error, spanish):
    assert error_text(error) == error.message
    with i18n.using("es_ES"):
        assert spanish in error_text(error)


def test_a_fix_the_order_refuses_is_said_without_a_field_name():
    """It read "Please fix: fix: Everything on this order has shipped…", the field's key
    shown as if it were something to fill in."""
    refused = FixNotApplied("Everything on this order has shipped.")
    assert error_text(refused) == "Couldn't apply the fix: Everything on this order has shipped."
    with i18n.using("es_ES"):
        assert error_text(refused).startswith("No se pudo aplicar la corrección: ")
