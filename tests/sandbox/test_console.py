"""The console REPL driven by scripted input against a tiny Bolt app."""

from __future__ import annotations

import io

import pytest

from sandbox.console import run_console
from tests.support.sandbox import button, modal, section, text_input

STATUS = {"type": "input", "block_id": "status", "label": {"type": "plain_text",
                                                           "text": "Status"},
          "element": {"type": "static_select", "action_id": "status_in", "options": [
              {"text": {"type": "plain_text", "text": "Open"}, "value": "open"},
              {"text": {"type": "plain_text", "text": "On hold"}, "value": "held"}]}}


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
    assert "+-- Edit order (edit, V" in out and "options: open, held" in out
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
                     "select status_in", "help", "views"])
    assert "! no button 'Nothing'" in out
    assert "! you have no open modal" in out
    assert "! no user 'nobody'" in out
    assert "! no channel '#nowhere'" in out
    assert "! usage: select <action_id> <value>" in out
    assert "click <label|action_id> [n]" in out
    assert "(no open modals)" in out
