"""The web page's server, over HTTP, without a browser: what the page posts reaches the app
through the sandbox, what the app does shows in the state JSON, and the stream pushes it."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from sandbox import web
from tests.support.sandbox import button, modal, section, text_input


@pytest.fixture
def page(sb, app):
    served = web.serve(sb, 0, labels={"U0PROC1": "processor"})
    yield served
    served.close()


def post(page, name: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(page.url + "api/" + name, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def state(page, user="U0PROC1", channel="C0ORDERS", thread="") -> dict:
    url = f"{page.url}api/state?user={user}&channel={channel}&thread={thread}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_the_page_and_its_files_are_served(page):
    with urllib.request.urlopen(page.url, timeout=10) as response:
        html = response.read().decode()
    assert 'data-testid="composer"' in html and "/static/app.js" in html
    for name in ("app.js", "app.css", "gallery.json"):
        with urllib.request.urlopen(page.url + "static/" + name, timeout=10) as response:
            assert response.status == 200 and response.read()
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(page.url + "static/../server.py", timeout=10)
    assert missing.value.code == 404


def test_a_slash_command_from_the_message_box_shows_its_answer_only_to_its_user(sb, app, page):
    @app.command("/order")
    def order(ack, command):
        ack(blocks=[section(f"*{command['text']}* · Globex"),
                    {"type": "actions", "elements": [button("resolve", "Resolve", "7")]}])

    status, answer = post(page, "command", {"user": "U0PROC1", "channel": "C0ORDERS",
                                            "text": "/order SO-1042"})
    assert status == 200 and answer["ok"] and answer["problems"] == []
    (shown,) = state(page)["messages"]
    assert shown["ephemeral"] and shown["blocks"][0]["text"]["text"] == "*SO-1042* · Globex"
    assert state(page, user="U0SALES1")["messages"] == []  # only visible to you


def test_a_click_reaches_the_app_and_its_update_shows(sb, app, page):
    @app.action("resolve")
    def resolve(ack, body, client):
        ack()
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"],
                           text="resolved", blocks=[section(f"Resolved by <@{body['user']['id']}>")])

    posted = sb.ws.add_message(_bot_message(sb, [section("Price mismatch"), {
        "type": "actions", "block_id": "b1", "elements": [button("resolve", "Resolve", "7")]}]))
    status, answer = post(page, "action", {"user": "U0PROC1", "action_id": "resolve",
                                           "block_id": "b1", "ts": posted.ts, "value": "7"})
    assert status == 200 and answer["ok"], answer
    sb.wait_for(lambda: posted.edited)
    (shown,) = state(page)["messages"]
    assert shown["blocks"][0]["text"]["text"] == "Resolved by <@U0PROC1>"


def test_a_submission_with_an_error_shows_it_under_the_field_and_keeps_the_modal(sb, app, page):
    @app.command("/edit")
    def edit(ack, body, client):
        ack()
        client.views_open(trigger_id=body["trigger_id"],
                          view=modal("edit", text_input("qty", "Quantity")))

    @app.view("edit")
    def submitted(ack, view):
        qty = view["state"]["values"]["qty"]["qty_in"]["value"]
        if not qty.isdigit():
            ack(response_action="errors", errors={"qty": f"Enter a number, not {qty!r}"})
        else:
            ack()

    post(page, "command", {"user": "U0PROC1", "channel": "C0ORDERS", "text": "/edit"})
    sb.wait_for(lambda: state(page)["modal"])
    view = state(page)["modal"]
    assert view["callback_id"] == "edit" and view["title"]["text"] == "Edit order"
    status, answer = post(page, "view_submit", {"user": "U0PROC1", "view_id": view["id"],
                                                "values": {"qty.qty_in": "lots"}})
    assert status == 200 and answer["ok"]
    shown = state(page)["modal"]
    assert shown["errors"] == {"qty": "Enter a number, not 'lots'"}
    assert shown["state"]["qty"]["qty_in"]["value"] == "lots"  # what was typed stays
    post(page, "view_submit", {"user": "U0PROC1", "view_id": view["id"],
                               "values": {"qty.qty_in": "3"}})
    assert state(page)["modal"] is None


def test_the_server_answers_mistakes_as_json_errors(page):
    assert post(page, "action", {"user": "U0PROC1", "action_id": "nope", "ts": "1.2"})[0] == 400
    status, answer = post(page, "command", {"user": "U0NOBODY", "channel": "C0ORDERS",
                                            "text": "hi"})
    assert status == 400 and answer == {"ok": False, "error": "no user 'U0NOBODY'"}
    status, answer = post(page, "teleport", {"user": "U0PROC1"})
    assert status == 400 and "teleport" in answer["error"]


def test_too_large_or_not_json_is_refused_unread(page):
    import http.client

    from sandbox.web.server import MAX_BODY
    parts = urllib.parse.urlsplit(page.url)
    for length, ctype, status in ((MAX_BODY + 1, "application/json", 413),
                                  (19, "text/plain", 415)):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:  # headers only: the answer must come without the body being read
            conn.putrequest("POST", "/api/command")
            conn.putheader("Content-Type", ctype)
            conn.putheader("Content-Length", str(length))
            conn.endheaders()
            response = conn.getresponse()
            assert response.status == status and json.loads(response.read())["ok"] is False
        finally:
            conn.close()


def test_a_late_ack_is_reported_to_the_page(sb, app, page, monkeypatch):
    monkeypatch.setattr("sandbox.model.Delivery.late", property(lambda self: True))

    @app.command("/slow")
    def slow(ack):
        ack()

    status, answer = post(page, "command", {"user": "U0PROC1", "channel": "C0ORDERS",
                                            "text": "/slow"})
    assert status == 200 and answer["late"]


def test_the_state_shows_the_switcher_channels_and_a_thread(sb, page):
    parent = sb.ws.add_message(_bot_message(sb, [section("parent")]))
    sb.ws.add_message(_bot_message(sb, [section("a reply")], thread_ts=parent.ts))
    seen = state(page, thread=parent.ts)
    assert {"id": "U0PROC1", "name": "priya", "label": "Priya (processor)"} in seen["users"]
    assert "U0BOT" not in {u["id"] for u in seen["users"]}
    names = {c["name"] for c in seen["channels"]}
    assert {"orders", "order-triage", "priya"} <= names
    (top,) = seen["messages"]
    assert top["reply_count"] == 1 and top["is_bot"] and top["name"] == "orderdesk"
    assert [m["blocks"][0]["text"]["text"] for m in seen["thread"]["replies"]] == ["a reply"]


def test_the_stream_pushes_the_state_again_after_a_change(sb, page):
    url = f"{page.url}api/stream?user=U0PROC1&channel=C0ORDERS"
    with urllib.request.urlopen(url, timeout=10) as stream:
        assert json.loads(_next_event(stream))["messages"] == []
        sb.ws.add_message(_bot_message(sb, [section("news")]))
        pushed = json.loads(_next_event(stream))
    assert [m["blocks"][0]["text"]["text"] for m in pushed["messages"]] == ["news"]


def test_files_the_app_uploaded_are_served_as_images(sb, page):
    from sandbox.model import File

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    sb.ws.files["F1"] = File(id="F1", name="chart.png", title="Chart", data=png)
    with urllib.request.urlopen(page.url + "files/F1", timeout=10) as response:
        assert response.headers["Content-Type"] == "image/png" and response.read() == png


def _next_event(stream) -> str:
    for raw in stream:
        line = raw.decode().rstrip("\n")
        if line.startswith("data: "):
            return line.removeprefix("data: ")
    raise AssertionError("the stream ended")


def _bot_message(sb, blocks, thread_ts=None):
    from sandbox.model import Message

    return Message(channel="C0ORDERS", ts=sb.ws.next_ts(), user="U0BOT", bot_id="B0BOT",
                   text="", blocks=sb.ws.snapshot_blocks(blocks), thread_ts=thread_ts)
