"""What a Spanish-speaking desk reads is Spanish throughout: the Home's headings, the New
order modal's example figure (written as the reader types it: 9,95 in Spain, 9.95 in Mexico),
the report's first answer and its period words, and the Email customer modal. A card shared
in a channel speaks the channel's language, whoever shares or edits the order."""

import json

from bench.app_stack import ADMIN, CHANNEL, MANAGER, PROCESSOR
from bot.console import DEMO_ADMIN
from messages.actions import MailActions, NewOrderIds, OrderActions
from store.enums import Role
from store.workspace.roles import set_role


def body_text(delivery) -> str:
    return json.dumps(delivery.body, ensure_ascii=False)


def home_text(sb, user) -> str:
    sb.open_home(user)
    sb.wait_for(lambda: sb.home(user) is not None)
    return json.dumps(sb.home(user).blocks, ensure_ascii=False)


def test_spanish_home_has_no_english_headings(stack, desk):
    """The Spanish manager's Home: 'Mis elementos', 'Vencidos'… but 'Unassigned' and
    'Today so far' stay English (messages/home.py wraps _() inside f-strings, so Babel never
    extracted those msgids)."""
    sb = stack.sb
    sb.slash("/order", "flag SO-1042 precio mal", user=PROCESSOR, channel=CHANNEL)
    sb.slash("/orders", "idioma es", user=MANAGER, channel=CHANNEL)
    shown = home_text(sb, MANAGER)
    assert "Mis elementos" in shown  # the rest of the Home is Spanish
    assert "*Unassigned*" not in shown and "*Today so far*" not in shown, shown
    assert "*Sin asignar*" in shown and "*Hoy hasta ahora*" in shown


def test_spanish_admin_home_has_no_english_headings(stack, desk):
    sb = stack.sb
    sb.slash("/orders", "idioma es", user=ADMIN, channel=CHANNEL)
    shown = home_text(sb, ADMIN)
    for english in ("*Routes*", "*Clock health*", "*Shared channels*", "*Undelivered posts*"):
        assert english not in shown, (english, shown[:1500])  # ("Roles" is Spanish too)
    assert "*Rutas*" in shown and "*Estado del reloj*" in shown


def add_mexican_processor(stack):
    stack.sb.add_user("U0MEX1", "lupita", locale="es-MX", channels=[CHANNEL])
    set_role(stack.db, actor=DEMO_ADMIN, user_id="U0MEX1", role=Role.PROCESSOR,
             admins=frozenset({DEMO_ADMIN}), default_role=Role.SALES)
    return "U0MEX1"


def test_es_mx_shipping_hint_example_is_accepted(stack, desk):
    """Lupita's Slack is es-MX, which writes decimals with a point. The hint's example was
    Spain's 9,95 (written into the translation), and typing it was refused: '«9,95» no es un
    número tal como los escribes: usa «.»'."""
    sb = stack.sb
    mx = add_mexican_processor(stack)
    sb.slash("/order", "nuevo", user=mx, channel=CHANNEL)
    sb.wait_for(lambda: sb.views(user=mx))
    view = sb.views(user=mx)[-1]
    (hint,) = [b["hint"]["text"] for b in view.blocks if b.get("block_id") == "shipping"]
    example = hint.split("p. ej. ")[1].split(". ")[0]
    assert example == "9.95"  # es-MX writes decimals with a point; Spain's hint says 9,95
    sb.submit(view, {NewOrderIds.CUSTOMER: "ACME",
                     f"line.1.sku.{NewOrderIds.SKU}.1": "WID-1042-BL",
                     "line.1.quantity": "1", "shipping": example}, user=mx)
    assert "shipping" not in view.errors, view.errors


def test_report_with_a_spanish_period_word(stack, desk):
    """'/orders informe semanal': the keyword is Spanish (README), the period word is not
    understood, and the refusal is half Spanish, half English: 'Corrige: period: `semanal` is
    not a period. Use daily, weekly or monthly.'"""
    sb = stack.sb
    sb.slash("/orders", "idioma es", user=PROCESSOR, channel=CHANNEL)
    shown = body_text(sb.slash("/orders", "informe semanal", user=PROCESSOR, channel=CHANNEL))
    assert "is not a period" not in shown, shown
    assert "Contando Semana" in shown, shown


def test_report_ack_is_spanish(stack, desk):
    """The report itself comes in Spanish, but its instant answer is English
    ('Counting Week 49 2026, 30 Nov – 06 Dec 2026… the figures follow in a moment.'),
    messages/digest.py working_message builds it with no _() and period.label() in English."""
    sb = stack.sb
    sb.slash("/orders", "idioma es", user=PROCESSOR, channel=CHANNEL)
    shown = body_text(sb.slash("/orders", "informe weekly", user=PROCESSOR, channel=CHANNEL))
    assert "Counting" not in shown and "figures follow" not in shown, shown
    assert "Contando Semana" in shown and "las cifras siguen" in shown, shown


def test_email_customer_modal_is_all_spanish(mail_stack):
    """'Escribir al cliente' for a Spanish processor: title, labels and the mail itself are
    Spanish, but the header line ('To *Acme…* about *SO-1042* (PO PO-7781).') and every
    template choice ('Price confirmation', 'Stock shortfall'…, messages/mail.py LABELS, a plain
    dict with no N_/_()) are English."""
    sb = mail_stack.sb
    sb.slash("/orders", "idioma es", user=PROCESSOR, channel=CHANNEL)
    sb.slash("/order", "SO-1042", user=PROCESSOR, channel=CHANNEL)
    card = sb.ephemerals(user=PROCESSOR, channel=CHANNEL)[-1]
    sb.click(MailActions.ORDER, user=PROCESSOR, message=card)
    sb.wait_for(lambda: sb.views(user=PROCESSOR))
    shown = json.dumps(sb.views(user=PROCESSOR)[-1].blocks, ensure_ascii=False)
    assert '"Asunto"' in shown  # the labels are Spanish
    assert "Price confirmation" not in shown and "Stock shortfall" not in shown, shown[:800]
    assert " about *SO-1042*" not in shown, shown[:800]
    assert "Confirmación de precio" in shown and "sobre *SO-1042*" in shown


def _card_text(sb) -> str:
    """The shared order card in #orders (a triage item routed there may post after it)."""
    (card,) = [m for m in sb.messages(CHANNEL) if m.text.startswith(("Order ", "Pedido "))]
    return json.dumps(card.blocks, ensure_ascii=False)


def _share(sb, user, ref="SO-1042"):
    sb.slash("/order", ref, user=user, channel=CHANNEL)
    card = sb.ephemerals(user=user, channel=CHANNEL)[-1]
    before = len(sb.messages(CHANNEL))
    sb.click(OrderActions.SHARE, user=user, message=card)
    sb.wait_for(lambda: len(sb.messages(CHANNEL)) > before)
    return _card_text(sb)


def _edit_city(sb, user, city):
    sb.slash("/order", "editar SO-1042", user=user, channel=CHANNEL)
    sb.wait_for(lambda: sb.views(user=user))
    sb.submit(sb.views(user=user)[-1], {"ship_to.city": city}, user=user)
    sb.wait_for(lambda: city in _card_text(sb))
    return _card_text(sb)


def test_a_shared_card_keeps_the_channels_language_when_a_spanish_speaker_edits(stack, desk):
    """Max (English) shares SO-1042's card in #orders; Lucía (Spanish) changes the city. The
    card was redrawn in her language for the whole channel ('*Cliente*', '79,95 US$'), and the
    next English edit flipped it back."""
    sb = stack.sb
    assert "*Customer*" in _share(sb, MANAGER)
    sb.slash("/orders", "idioma es", user=PROCESSOR, channel=CHANNEL)
    redrawn = _edit_city(sb, PROCESSOR, "Mérida")
    assert "*Customer*" in redrawn and "*Cliente*" not in redrawn, redrawn[:600]


def test_a_channel_routed_in_spanish_gets_its_cards_in_spanish(stack, desk):
    sb = stack.sb
    sb.slash("/orders", f"route default <#{CHANNEL}|orders> lang es", user=ADMIN, channel=CHANNEL)
    assert "*Cliente*" in _share(sb, MANAGER)  # shared by an English speaker
    assert "*Cliente*" in _edit_city(sb, MANAGER, "Tulsa")


def test_flag_answers_in_spanish(stack, desk):
    """'/order marcar SO-1042 precio mal' answered 'Flagged *SO-1042*: precio mal' (the handler
    wrote it in English)."""
    sb = stack.sb
    sb.slash("/orders", "idioma es", user=PROCESSOR, channel=CHANNEL)
    shown = body_text(sb.slash("/order", "marcar SO-1042 precio mal", user=PROCESSOR,
                               channel=CHANNEL))
    assert "*SO-1042* marcado" in shown and "Flagged" not in shown, shown
    again = body_text(sb.slash("/order", "marcar SO-1042 precio mal", user=PROCESSOR,
                               channel=CHANNEL))
    assert "Ya marcaste *SO-1042*" in again, again
