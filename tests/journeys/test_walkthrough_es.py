"""The README's console walkthrough done entirely in Spanish, through the console as a person
types it: Lucía, a processor whose Slack is in Spanish (es-ES), and Diego, a sales rep whose
Slack is in US Spanish (es-US). Neither chose a language: Orderdesk follows their Slack.
Spanish keywords, Spanish questions in a thread, the editor with a price typed `12,50`, errors
in Spanish, Home in Spanish; asserted on what they read."""

from __future__ import annotations

import io
import json

import pytest

from bench.app_stack import ADMIN, CHANNEL
from sandbox.console import Console
from store.enums import Role
from store.models import Customer, Order
from store.workspace.roles import set_role
from tests.support.clock import days_ago
from tests.support.desk import add_order, build
from tests.support.threads import answer_in

LUCIA, DIEGO = "U0LUCIA", "U0DIEGO"
REF = "SO-1050"  # Ibérica's order, in euros: 3 × 12,00 €


@pytest.fixture
def walk(stack):
    """The small desk plus a Spanish customer billed in euros; Lucía and Diego at the desk."""
    desk = build(stack.db)
    with stack.db.write() as s:
        iberica = Customer(code="IBERICA", name="Ibérica Suministros", currency="EUR",
                           sales_rep_id=DIEGO)
        s.add(iberica)
        s.flush()
        order = add_order(s, REF, iberica.id, days_ago(1), po="PO-ES-7",
                          lines=[("WID-1042-BL", None, 3, 1200)])
        order.currency, order.shipping_minor = "EUR", 0
        s.get(Customer, desk["ACME"]).sales_rep_id = DIEGO
    stack.sb.add_user(LUCIA, "lucia", locale="es-ES", channels=[CHANNEL])
    stack.sb.add_user(DIEGO, "diego", locale="es-US", channels=[CHANNEL])
    for user, role in ((LUCIA, Role.PROCESSOR), (DIEGO, Role.SALES)):
        set_role(stack.db, actor=ADMIN, user_id=user, role=role, admins=frozenset({ADMIN}),
                 default_role=Role.SALES)
    return stack


class Typist:
    """Lines typed into the console; `read` is what the console printed for the last one."""

    def __init__(self, sb, user: str):
        self.out = io.StringIO()
        self.console = Console(sb, user=user, channel=CHANNEL, output=self.out)
        self.sb = sb

    def type(self, line: str) -> str:
        start = len(self.out.getvalue())
        self.console.handle(line)
        return self.out.getvalue()[start:]

    def view(self) -> str:
        """The open modal as Slack holds it (labels, values, errors shown under fields)."""
        return str(self.sb.views(self.console.user)[-1].blocks)


def published_home(sb, user: str, words: str) -> str:
    """The user's Home once it shows `words` (app_home_opened is answered off the request)."""
    def text() -> str:
        view = sb.home(user)
        return json.dumps(view.blocks, ensure_ascii=False) if view else ""
    sb.wait_for(lambda: words in text(), message=f"{user}'s Home shows {words!r}")
    return text()


def test_a_spanish_processor_and_rep_walk_through_the_desk_in_spanish(walk):
    lucia = Typist(walk.sb, LUCIA)

    # The console's own help, and /order's, in Spanish with the Spanish keywords.
    assert "comando de barra" in lucia.type("ayuda")
    help_ = lucia.type("/order ayuda")
    assert "/order editar" in help_ and "(edit)" in help_
    assert "editar un pedido" in help_ and "quién cambió qué" in help_

    # A fuzzy search, answered in Spanish.
    found = lucia.type("/order acme")
    assert "SO-1042" in found and ("coinciden con `acme`" in found or "coincide con" in found
                                   or "Ninguna coincidencia exacta" in found), found

    # The card: Spanish words, euros as Spain writes them.
    card = lucia.type(f"/order {REF}")
    assert "Cliente" in card and "Total 36,00\xa0€" in card and "[Editar]" in card, card

    # The editor in Spanish, the price shown as she types it.
    editor = lucia.type(f"/order editar {REF}")
    assert f"Editar {REF}" in editor and "Guardar" in editor, editor
    assert "Precio unitario (EUR)" in editor and "12,00" in editor, editor

    # "1.234" reads two ways in Spain: refused under the field, in Spanish; nothing saved.
    refused = lucia.type("submit lines.1.unit_price=1.234")
    assert "se puede leer de dos maneras" in refused + lucia.view(), refused
    with walk.db.read() as s:
        assert [li.unit_price_minor for li in s.query(Order).filter_by(ref=REF).one().lines] \
            == [1200]

    # 12,50 is twelve euros fifty.
    saved = lucia.type("submit lines.1.unit_price=12,50")
    assert f"Guardado *{REF}*" in saved or f"Guardado {REF}" in saved, saved
    with walk.db.read() as s:
        order = s.query(Order).filter_by(ref=REF).one()
        assert [li.unit_price_minor for li in order.lines] == [1250]
    assert "37,50\xa0€" in lucia.type(f"/order {REF}")

    # Spanish keywords for history and the queue.
    history = lucia.type(f"/order historial {REF}")
    assert f"HISTORIAL DE {REF}" in history.upper() and "1 evento" in history, history
    assert "(nothing changed)" not in lucia.type("/orders cola")

    # Errors in Spanish.
    assert "No se encontró nada para `SO-9999`" in lucia.type("/order SO-9999")
    assert "No se encontró ningún pedido `SO-9999`" in lucia.type("/order editar SO-9999")

    # Home in Spanish.
    lucia.type("home")
    home = published_home(walk.sb, LUCIA, "Mis elementos")
    assert "Orderdesk · Procesador" in home and "Actualizar" in home, home

    # Diego, a rep in the US: a question in Spanish, answered in Spanish in the thread,
    # dollars as the US writes them.
    diego = Typist(walk.sb, DIEGO)
    diego.type("@orderdesk ¿dónde está el pedido SO-1042?")
    asked = next(m for m in reversed(walk.sb.ws.top_level(CHANNEL)) if m.user == DIEGO)
    # Events are answered off the request: wait for the thread's answer, not the console's
    # short settle (a loaded machine answers later than it waits).
    answer = json.dumps(answer_in(walk.sb, CHANNEL, asked.ts).blocks, ensure_ascii=False)
    assert "*Estado*" in answer and "SO-1042" in answer and "$25.00" in answer, answer
    refused = diego.type(f"/order editar {REF}")
    assert "No puedes editar pedidos: tu rol es ventas" in refused, refused
    diego.type("home")
    home = published_home(walk.sb, DIEGO, "Marcados")
    assert "Orderdesk · Ventas" in home and "Pedidos que sigues" in home, home
