"""Modals end to end: open, submit with errors, update/push/clear, close, shortcuts, events."""

from __future__ import annotations

from tests.support.sandbox import button, modal, section, text_input


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


STATUS = {"type": "input", "block_id": "status", "label": plain("Status"),
          "element": {"type": "static_select", "action_id": "status_in", "options": [
              {"text": plain("Open"), "value": "open"}, {"text": plain("On hold"),
                                                         "value": "held"}]}}
OWNER = {"type": "input", "block_id": "owner", "label": plain("Owner"), "optional": True,
         "element": {"type": "users_select", "action_id": "owner_in"}}
DUE = {"type": "input", "block_id": "due", "label": plain("Due"), "optional": True,
       "element": {"type": "datepicker", "action_id": "due_in"}}
FLAGS = {"type": "input", "block_id": "flags", "label": plain("Flags"), "optional": True,
         "element": {"type": "checkboxes", "action_id": "flags_in", "options": [
             {"text": plain("Rush"), "value": "rush"}, {"text": plain("Gift"), "value": "gift"}]}}


def open_from_command(sb, app, client, view: dict, command: str = "/edit") -> object:
    @app.command(command)
    def on_edit(ack, body):
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    sb.slash(command, "", user="U0PROC1", channel="C0ORDERS")
    sb.wait_for(lambda: sb.views("U0PROC1"))
    return sb.views("U0PROC1")[-1]


def test_submit_fills_state_per_element_type_and_errors_keep_the_view_open(sb, app, client):
    seen = []

    @app.view("edit")
    def on_submit(ack, view):
        seen.append(view["state"]["values"])
        qty = view["state"]["values"]["qty"]["qty_in"]["value"]
        if not qty.isdigit():
            ack(response_action="errors", errors={"qty": "Enter a whole number"})
        else:
            ack()

    view = open_from_command(sb, app, client, modal("edit", text_input("qty", "Quantity"),
                                                    STATUS, OWNER, DUE, FLAGS))
    delivery = sb.submit(view, {"qty_in": "three", "status_in": "held", "owner_in": "U0SALES1",
                                "due.due_in": "2024-06-01", "flags_in": ["rush"]},
                         user="U0PROC1")
    assert delivery.status == 200 and delivery.problems == []
    assert view.is_open and view.errors == {"qty": "Enter a whole number"}
    values = seen[0]
    assert values["qty"]["qty_in"] == {"type": "plain_text_input", "value": "three"}
    assert values["status"]["status_in"]["selected_option"]["value"] == "held"
    assert values["owner"]["owner_in"] == {"type": "users_select", "selected_user": "U0SALES1"}
    assert values["due"]["due_in"] == {"type": "datepicker", "selected_date": "2024-06-01"}
    assert [o["value"] for o in values["flags"]["flags_in"]["selected_options"]] == ["rush"]
    sb.submit(view, {"qty_in": "3"}, user="U0PROC1")  # other fields keep what was entered
    assert seen[1]["status"]["status_in"]["selected_option"]["value"] == "held"
    assert not view.is_open and sb.views("U0PROC1") == []


def test_resubmit_delivers_the_same_submission_again_even_after_the_view_closed(sb, app,
                                                                                  client):
    seen = []

    @app.view("edit")
    def on_submit(ack, body):
        seen.append(body)
        ack()

    view = open_from_command(sb, app, client, modal("edit", text_input("qty", "Quantity")))
    first = sb.submit(view, {"qty_in": "3"}, user="U0PROC1")
    assert first.status == 200 and not view.is_open
    again = sb.resubmit(view, user="U0PROC1")
    assert again.status == 200 and again.problems == []
    assert [b["view"] for b in seen] == [first.payload["view"]] * 2
    assert seen[0]["trigger_id"] != seen[1]["trigger_id"]


def test_required_fields_are_checked_by_the_client_before_sending(sb, app, client):
    view = open_from_command(sb, app, client, modal("edit", text_input("qty", "Quantity"),
                                                    STATUS))
    before = len(sb.acks)
    delivery = sb.submit(view, {"qty_in": "3"}, user="U0PROC1")
    assert delivery.sent is False and view.errors == {
        "status": "Please complete this required field."}
    assert len(sb.acks) == before


def test_errors_for_a_non_input_block_are_reported_as_a_problem(sb, app, client):
    app.view("edit")(lambda ack: ack(response_action="errors", errors={"nope": "bad"}))
    view = open_from_command(sb, app, client, modal())
    delivery = sb.submit(view, {"qty_in": "1"}, user="U0PROC1")
    assert "not input block_ids" in delivery.problems[0]


def test_response_action_update_push_and_clear(sb, app, client):
    step2 = modal("step2", text_input("note", "Note"))
    app.view("edit")(lambda ack: ack(response_action="push", view=step2))
    app.view("step2")(lambda ack: ack(response_action="update", view=modal(
        "step3", text_input("note", "Note"), title=plain("Step 3"))))
    app.view("step3")(lambda ack: ack(response_action="clear"))
    first = open_from_command(sb, app, client, modal())
    sb.submit(first, {"qty_in": "2"}, user="U0PROC1")
    stack = sb.views("U0PROC1")
    assert [v.callback_id for v in stack] == ["edit", "step2"]
    assert stack[1].previous_view_id == first.id and stack[1].root_view_id == first.id
    sb.submit(stack[1], {"note_in": "hello"}, user="U0PROC1")
    assert [v.callback_id for v in sb.views("U0PROC1")] == ["edit", "step3"]
    assert sb.views("U0PROC1")[1].state["note"]["note_in"]["value"] == "hello"  # kept
    sb.submit(sb.views("U0PROC1")[1], {}, user="U0PROC1")
    assert sb.views("U0PROC1") == []


def test_an_invalid_update_from_the_ack_is_reported(sb, app, client):
    app.view("edit")(lambda ack: ack(response_action="update", view=modal(
        title=plain("A title that is far too long"))))
    view = open_from_command(sb, app, client, modal())
    delivery = sb.submit(view, {"qty_in": "1"}, user="U0PROC1")
    assert "view.title.text: 28 characters, max 24" in delivery.problems[0]
    assert view.is_open and view.callback_id == "edit"


def test_block_action_in_a_modal_then_views_update_with_hash(sb, app, client):
    view_def = modal("edit", text_input("qty", "Quantity"), section(
        "Need more?", accessory=button("add_line", "Add line")))

    @app.action("add_line")
    def on_add(ack, body, client):
        ack()
        view = body["view"]
        assert view["state"]["values"]["qty"]["qty_in"]["value"] is None
        client.views_update(view_id=view["id"], hash=view["hash"], view=modal(
            "edit", text_input("qty", "Quantity"), text_input("qty2", "Second quantity")))

    view = open_from_command(sb, app, client, view_def)
    old_hash = view.hash
    sb.click("add_line", user="U0PROC1", view=view)
    sb.wait_for(lambda: len(view.blocks) == 2 and view.hash != old_hash)
    assert [b["block_id"] for b in view.blocks] == ["qty", "qty2"]


def test_close_sends_view_closed_only_when_asked(sb, app, client):
    closed = []
    app.view_closed("edit")(lambda ack, body: (closed.append(body["is_cleared"]), ack()))
    quiet = open_from_command(sb, app, client, modal())
    assert sb.close_view(quiet, user="U0PROC1").sent is False
    noisy = open_from_command(sb, app, client, modal(notify_on_close=True), "/edit2")
    delivery = sb.close_view(noisy.id, user="U0PROC1")
    assert delivery.status == 200 and closed == [False] and sb.views("U0PROC1") == []


def test_shortcuts_carry_a_trigger_that_opens_a_view(sb, app, client):
    seen = []

    @app.shortcut("new_order")
    def on_global(ack, body):
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal("new"))

    @app.shortcut("flag_message")
    def on_message(ack, body):
        ack()
        seen.append((body["message"]["text"], body["channel"]["id"], body["response_url"]))

    sb.global_shortcut("new_order", user="U0SALES1")
    sb.wait_for(lambda: sb.views("U0SALES1"))
    ts = client.chat_postMessage(channel="C0ORDERS", text="Acme order late")["ts"]
    sb.message_shortcut("flag_message", message=ts, user="U0SALES1")
    assert seen[0][:2] == ("Acme order late", "C0ORDERS") and seen[0][2]


def test_block_suggestion_returns_the_apps_options(sb, app, client):
    customer = {"type": "input", "block_id": "cust", "label": plain("Customer"),
                "element": {"type": "external_select", "action_id": "cust_in"}}

    @app.options("cust_in")
    def on_options(ack, payload):
        ack(options=[{"text": plain(f"{payload['value']} Corp"), "value": "C1"}])

    view = open_from_command(sb, app, client, modal("edit", customer))
    delivery = sb.block_suggestion("cust_in", "Acme", user="U0PROC1", view=view)
    assert delivery.body["options"][0]["text"]["text"] == "Acme Corp"
    sb.submit(view, {"cust_in": {"text": plain("Acme Corp"), "value": "C1"}}, user="U0PROC1")
    assert view.state["cust"]["cust_in"]["selected_option"]["value"] == "C1"


def test_an_options_request_answered_without_options_is_a_problem(sb, app, client):
    """Slack shows the menu's error for an answer without options or option_groups (an
    empty ack included), as when a listener raised before it could answer."""
    customer = {"type": "input", "block_id": "cust", "label": plain("Customer"),
                "element": {"type": "external_select", "action_id": "cust_in"}}
    app.options("cust_in")(lambda ack: ack())
    view = open_from_command(sb, app, client, modal("edit", customer))
    delivery = sb.block_suggestion("cust_in", "Acme", user="U0PROC1", view=view)
    assert delivery.problems and "options or option_groups" in delivery.problems[0]


def test_mentions_dms_messages_and_retried_events(sb, app, client):
    events = []

    @app.event("app_mention")
    def on_mention(event, say, request):
        events.append(("mention", event["text"], request.headers.get("x-slack-retry-num")))
        say(text="on it", thread_ts=event["ts"])

    @app.event("message")
    def on_message(event):
        events.append((event.get("channel_type"), event["text"], event.get("thread_ts")))

    delivery = sb.mention("where is SO-1?", user="U0SALES1", channel="C0ORDERS")
    parent = sb.last_message("C0ORDERS")
    assert parent.text == "<@U0BOT> where is SO-1?" and parent.user == "U0SALES1"
    sb.wait_for(lambda: sb.thread("C0ORDERS", parent.ts))
    assert sb.thread("C0ORDERS", parent.ts)[0].text == "on it"
    sb.send_event(delivery.payload, retry_num=1, retry_reason="http_timeout")
    sb.dm("status please", user="U0SALES2")
    sb.say("thanks", user="U0SALES1", channel="C0ORDERS", thread_ts=parent.ts)
    sb.wait_for(lambda: len(events) == 4)
    assert events[0] == ("mention", "<@U0BOT> where is SO-1?", None)
    assert events[1] == ("mention", "<@U0BOT> where is SO-1?", ["1"])
    assert events[2:] == [("im", "status please", None), ("channel", "thanks", parent.ts)]
    assert delivery.payload["event_id"].startswith("Ev")
    assert sb.messages(sb.im_channel("U0SALES2"))[0].text == "status please"


def test_opening_the_home_tab_lets_the_app_publish_it(sb, app, client):
    @app.event("app_home_opened")
    def on_home(event, client):
        client.views_publish(user_id=event["user"], view={
            "type": "home", "blocks": [section(f"Hello <@{event['user']}>")]})

    delivery = sb.open_home("U0MGR1")
    assert delivery.status == 200 and delivery.payload["event"]["tab"] == "home"
    sb.wait_for(lambda: sb.home("U0MGR1"))
    assert sb.home("U0MGR1").blocks[0]["text"]["text"] == "Hello <@U0MGR1>"
    assert "view" in sb.open_home("U0MGR1").payload["event"]  # the second time it has one


def test_a_channel_without_the_bot_gets_no_events(sb, app):
    sb.add_channel("C0QUIET", "quiet", members=["U0SALES1"], bot_member=False)
    assert sb.say("hi", user="U0SALES1", channel="C0QUIET").sent is False
    assert sb.mention("hi", user="U0SALES1", channel="C0QUIET").sent is False
    assert [m.text for m in sb.messages("C0QUIET")] == ["hi", "<@U0BOT> hi"]
