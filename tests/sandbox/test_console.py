"""The console REPL driven by scripted input against a tiny Bolt app."""

from __future__ import annotations

import io
import re

import pytest

from sandbox.console import run_console
from tests.support.sandbox import button, modal, section, text_input

STATUS = {"type": "input", "block_id": "status", "label": {"type": "plain_text",
                                                           "text": "Status"},
          "element": {"type": "static_select", "action_id": "status_in", "options": [
              {"text": {"type": "plain_text", "text": "Open"}, "value": "open"},
              {"text": {"type": "plain_text", "text": "On hold"}, "value": "held"}]}}


def SNOOZE(ref: str) -> dict:  # noqa: N802 - a block, named like the others
    return {"type": "static_select", "action_id": f"snooze:{ref}",
            "placeholder": {"type": "plain_text", "text": "Snooze"},
            "options": [{"text": {"type": "plain_text", "text": text}, "value": f"{ref}|{value}"}
                        for value, text in (("4h", "4 hours"), ("1d", "Tomorrow"))]}


@pytest.fixture
def desk(app):
    """A tiny order desk: /order, a Claim button, an edit modal, mentions and DMs."""

    @app.command("/order")
    def on_order(ack, command, client):
        ack(f"Looking up {command['text']}")
        client.chat_postMessage(channel=command["channel_id"], text="card", blocks=[
            section(f"*{command['text']}* for Acme"),
            {"type": "actions", "elements": [button("claim", "Claim", command["text"])]}])

    @app.action("claim")
    def on_claim(ack, body, client):
        ack()
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"],
                           text=f"Claimed by <@{body['user']['id']}>", blocks=[])

    @app.command("/edit")
    def on_edit(ack, body, client):
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal(
            "edit", text_input("qty", "Quantity"), STATUS))

    @app.view("edit")
    def on_submit(ack, view, client):
        values = view["state"]["values"]
        qty = values["qty"]["qty_in"]["value"]
        if not qty.isdigit():
            ack(response_action="errors", errors={"qty": "Enter a whole number"})
            return
        ack()
        status = values["status"]["status_in"]["selected_option"]["value"]
        client.chat_postMessage(channel="C0TRIAGE", text=f"Saved qty {qty}, {status}")

    @app.event("app_mention")
    def on_mention(event, say):
        say(text="SO-1042 ships tomorrow", thread_ts=event["ts"])

    @app.event("app_home_opened")
    def on_home(event, client):
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Today"}},
            section("3 orders on hold")]})

    @app.command("/queue")
    def on_queue(ack, command, client):
        ack()
        for ref in ("SO-1", "SO-2"):  # two items, each with the same buttons and menu
            client.chat_postMessage(channel=command["channel_id"], text=ref, blocks=[
                section(f"*{ref}* price mismatch"),
                {"type": "actions", "elements": [
                    button(f"resolve:{ref}", "Resolve", ref), SNOOZE(ref)]}])
        client.chat_postMessage(channel=command["channel_id"], text="page 1", blocks=[
            {"type": "actions", "elements": [button("page", "Next 10 ›", "2")]}])

    @app.action(re.compile(r"^(resolve|snooze):"))
    def on_item(ack, action, body, client):
        ack()
        chosen = action.get("value") or action["selected_option"]["value"]
        client.chat_postMessage(channel=body["channel"]["id"],
                                text=f"{action['action_id']} -> {chosen}")

    @app.action("page")
    def on_page(ack, action, body, client):
        ack()
        client.chat_postMessage(channel=body["channel"]["id"], text=f"page {action['value']}")

    @app.command("/route")
    def on_route(ack, command):
        ack(f"route to {command['text'].replace('<', '[').replace('>', ']')}")

    @app.event("message")
    def on_dm(event, say):
        if event.get("channel_type") == "im":
            say(text=f"You said: {event['text']}")

    return app


def drive(sb, lines: list[str]) -> str:
    """Run the console on `lines`; the transcript is printed so a failing test shows it."""
    script = iter(lines)
    out = io.StringIO()

    def scripted_input(prompt: str) -> str:
        try:
            return next(script)
        except StopIteration:
            raise EOFError from None

    run_console(sb, input_fn=scripted_input, output=out)
    print(out.getvalue())
    return out.getvalue()


def test_a_processor_looks_up_claims_and_edits_an_order(sb, desk):
    out = drive(sb, ["/order SO-1042", "click Claim", "/edit", "submit Quantity=abc status=held",
                     'submit qty_in=3', "in #order-triage", "quit"])
    assert "priya in #orders> /order SO-1042" in out
    assert "(ephemeral, only you):\n  Looking up SO-1042" in out
    assert "[1] @orderdesk:\n  SO-1042 for Acme\n  [Claim]" in out
    assert "updated [1] @orderdesk (edited):\n  Claimed by @priya" in out
    assert "+-- Edit order (edit, V" in out and "options: Open, On hold" in out  # as shown
    assert "Quantity (qty_in): abc\n    ! Enter a whole number" in out
    assert "in #order-triage: [1] @orderdesk:\n  Saved qty 3, held" in out
    assert "(modal edit closed)" in out
    assert out.rstrip().endswith("bye")


def test_a_sales_rep_asks_in_a_thread_and_by_dm(sb, desk):
    out = drive(sb, ["as sam", "@orderdesk where is SO-1042?", "thread 1", "thanks!",
                     "thread", "dm hello", "show"])
    assert "(you are now @sam)" in out
    assert "reply in thread 1: @orderdesk:\n  SO-1042 ships tomorrow" in out
    assert "sam in #orders thread 1> thanks!" in out
    assert sb.thread("C0ORDERS", sb.messages("C0ORDERS")[0].ts)[-1].text == "thanks!"
    assert "in DM with @sam: [2] @orderdesk:\n  You said: hello" in out
    assert "[1] @sam:\n  @orderdesk where is SO-1042?" in out  # `show` lists the channel


def test_a_manager_opens_the_home_tab(sb, desk):
    out = drive(sb, ["as max", "home", "views"])
    assert "App Home updated:\n+-- App Home (home, V" in out
    assert "  TODAY\n  3 orders on hold" in out


def test_mistakes_are_explained_not_fatal(sb, desk):
    out = drive(sb, ["click Nothing", "submit x=1", "as nobody", "in #nowhere",
                     "select", "select Snooze forever", "on 9 click Resolve",
                     "on x click Resolve", "help", "views"])
    assert "! no button 'Nothing'" in out
    assert "! you have no open modal" in out
    assert "! no user 'nobody'" in out
    assert "! no channel '#nowhere'" in out
    assert "! usage: select <menu> <option>, e.g. select Snooze 4 hours" in out
    assert "! no menu with an option 'Snooze forever'" in out
    assert "! no message 9 here" in out
    assert "! usage: on <message number> click <button> | select <option>" in out
    assert "click <label|action_id> [n]" in out
    assert "(no open modals)" in out


def test_a_menu_is_picked_by_what_it_shows_and_its_option_by_label(sb, desk):
    out = drive(sb, ["/queue", "select Snooze 4 hours", "select tomorrow"])
    # the newest item's menu: SO-2's; the option's value is never typed
    assert "@orderdesk:\n  snooze:SO-2 -> SO-2|4h" in out
    assert "@orderdesk:\n  snooze:SO-2 -> SO-2|1d" in out


def test_on_n_chooses_which_message_to_act_on(sb, desk):
    out = drive(sb, ["/queue", "on 1 click Resolve", "on 1 select Snooze 4 hours",
                     "click Resolve"])
    assert "resolve:SO-1 -> SO-1" in out and "snooze:SO-1 -> SO-1|4h" in out
    assert "resolve:SO-2 -> SO-2" in out  # without `on`: the newest


def test_click_matches_a_button_by_the_start_of_its_label(sb, desk):
    out = drive(sb, ["/queue", "click Next"])
    assert "@orderdesk:\n  page 2" in out


def test_a_typed_channel_name_is_sent_as_the_channel(sb, desk):
    out = drive(sb, ["/route #order-triage and #1001 and #nowhere"])
    assert "route to [#C0TRIAGE|order-triage] and #1001 and #nowhere" in out


def test_help_follows_the_slack_language_and_ayuda_is_answered_in_spanish(sb, desk):
    out = drive(sb, ["help"])
    assert "click <label|action_id> [n]" in out and "comando de barra" not in out
    out = drive(sb, ["ayuda"])
    assert "comando de barra" in out
