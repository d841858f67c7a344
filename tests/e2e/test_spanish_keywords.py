"""Spanish subcommand keywords (/order editar, /order historial, /orders cola) do what the
English ones do, for everyone; help shows a Spanish reader their keywords; the order card (full
and status-only) speaks the language of the person who looks."""

import json

from slack_sdk import WebClient

from bench.app_stack import ADMIN, CHANNEL, PROCESSOR, SALES
from bot.app import create_app
from bot.config import Settings
from handlers.kit import CommandRouter
from handlers.kit.commands import ALIASES
from store.models import Customer

EDITAR = "editar SO-1042"


def body_text(delivery) -> str:
    return json.dumps(delivery.body, ensure_ascii=False)


def test_editar_opens_the_editor_and_historial_shows_the_history(stack, desk):
    sb = stack.sb
    assert sb.slash("/order", EDITAR, user=PROCESSOR, channel=CHANNEL).status == 200
    sb.wait_for(lambda: sb.views(user=PROCESSOR))
    sb.submit(sb.views(user=PROCESSOR)[-1], {"ship_to.city": "Shelbyville"}, user=PROCESSOR)
    history = sb.slash("/order", "historial SO-1042", user=PROCESSOR, channel=CHANNEL)
    english = sb.slash("/order", "history SO-1042", user=PROCESSOR, channel=CHANNEL)
    assert "Springfield → Shelbyville" in body_text(history) + json.dumps(
        sb.ephemerals(user=PROCESSOR)[-1].blocks, ensure_ascii=False)
    assert english.status == history.status == 200


def test_cola_is_the_queue(stack, desk):
    cola = stack.sb.slash("/orders", "cola", user=PROCESSOR, channel=CHANNEL)
    queue = stack.sb.slash("/orders", "queue", user=PROCESSOR, channel=CHANNEL)
    assert cola.status == queue.status == 200
    assert body_text(cola) == body_text(queue)


def test_help_shows_spanish_keywords_to_a_spanish_reader_only(stack, desk):
    english = body_text(stack.sb.slash("/order", "help", user=ADMIN, channel=CHANNEL))
    stack.sb.slash("/orders", "idioma es", user=ADMIN, channel=CHANNEL)
    spanish = body_text(stack.sb.slash("/order", "ayuda", user=ADMIN, channel=CHANNEL))
    assert "/order edit " in english and "editar" not in english
    assert "/order editar SO-1042" in spanish or "/order editar" in spanish, spanish
    assert "(edit)" in spanish and "Uso de /order" in spanish
    orders = body_text(stack.sb.slash("/orders", "nada", user=ADMIN, channel=CHANNEL))
    assert "/orders cola" in orders and "No conozco `nada`" in orders, orders


def test_every_alias_names_a_subcommand_of_its_command(db):
    app = create_app(Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-test",
                                        "SLACK_SIGNING_SECRET": "s"}),
                     db=db, client=WebClient(token="xoxb-test"))
    routers = {listener.ack_function.kit_listener.__self__.command:
               listener.ack_function.kit_listener.__self__ for listener in app._listeners
               if isinstance(getattr(listener.ack_function.kit_listener, "__self__", None),
                             CommandRouter)}
    for language, commands in ALIASES.items():
        for command, aliases in commands.items():
            names = {s.name for s in routers[command].subcommands}
            assert set(aliases.values()) <= names, (language, command)
            assert not set(aliases) & names, "an alias must not hide an English keyword"


def test_the_order_card_speaks_the_lookers_language(stack, desk):
    english = body_text(stack.sb.slash("/order", "SO-1042", user=PROCESSOR, channel=CHANNEL))
    stack.sb.slash("/orders", "language es", user=PROCESSOR, channel=CHANNEL)
    spanish = body_text(stack.sb.slash("/order", "SO-1042", user=PROCESSOR, channel=CHANNEL))
    for en, es in (("*Customer*", "*Cliente*"), ("*Ship to*", "*Enviar a*"), ('"Edit"', '"Editar"'),
                   ("Subtotal $", "Subtotal "), ("Order SO-1042", "Pedido SO-1042")):
        assert en in english and es in spanish and en not in spanish, (en, es)


def test_the_status_only_card_speaks_the_lookers_language_too(stack, desk):
    with stack.db.write() as s:  # another rep's account: a rep sees its status only
        s.get(Customer, desk["ACME"]).sales_rep_id = "U0SALES2"
    stack.sb.slash("/orders", "idioma es", user=SALES, channel=CHANNEL)
    card = body_text(stack.sb.slash("/order", "SO-1042", user=SALES, channel=CHANNEL))
    assert "Solo el estado" in card and '"Seguir"' in card and "*Cliente*" in card, card
    assert "Status only" not in card and "$" not in card
