"""The listener skeleton's parts on their own: permissions, payload readers over Slack's own
payload shapes, the modal reader, a Reply whose Slack calls are refused, the layering."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from handlers.kit import (
    ModalState,
    Permission,
    Reply,
    Request,
    channel_of,
    require,
    thread_of,
    user_of,
)
from messages.edit_order import EditMetadata
from store.enums import Role
from store.errors import NotAllowed, ValidationFailed
from store.workspace.roles import PERMISSIONS
from tests.support.views import order

PAYLOADS = Path(__file__).with_name("slack_payloads")
HANDLERS = Path(__file__).parents[2] / "handlers"


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text())


def test_every_permission_is_an_action_of_the_store_role_table():
    assert {p.value for p in Permission} <= set(PERMISSIONS)


def test_require_refuses_a_role_the_table_does_not_allow(db):
    deps = SimpleNamespace(db=db, settings=SimpleNamespace(admins=frozenset(),
                                                           default_role=Role.SALES))
    assert require(deps, "U0SALES1", Permission.LOOKUP) == Role.SALES
    with pytest.raises(NotAllowed, match="your role is sales"):
        require(deps, "U0SALES1", Permission.EDIT_ORDER)


@pytest.mark.parametrize("name, user, channel, thread", [
    ("slash_command.parsed.json", "W111", "C111", None),
    ("block_actions.json", "W111", "C111", "111.222"),
    ("view_submission.json", "W111", None, None),  # its metadata is not ours: no channel
    ("event_app_mention.json", "W222", "C111", "1595926230.009600"),
    ("event_message_in_thread_dm.json", "W222", "D111", "1726133698.626339"),
    ("event_message_thread_broadcast.json", "U111", "C111", "1633663824.000500"),
])
def test_who_where_and_which_thread_read_from_every_payload_shape(name, user, channel, thread):
    body = payload(name)
    assert (user_of(body), channel_of(body), thread_of(body)) == (user, channel, thread)


def test_a_view_submission_is_placed_by_the_channel_its_modal_remembers():
    body = payload("view_submission.json")
    body["view"]["private_metadata"] = EditMetadata("SO-1", 3, channel_id="C0ORDERS").dumps()
    assert channel_of(body) == "C0ORDERS"


def state(**elements) -> ModalState:
    """A view whose blocks each hold one element, under any action id."""
    return ModalState({"state": {"values": {
        block_id: {f"{block_id}-action": element} for block_id, element in elements.items()}}})


def test_the_modal_reader_reads_each_kind_of_input_by_block_id():
    s = state(name={"type": "plain_text_input", "value": "  Acme  "},
              blank={"type": "plain_text_input", "value": "   "},
              carrier={"type": "static_select", "selected_option": {"value": "UPS"}},
              lines={"type": "multi_static_select",
                     "selected_options": [{"value": "1"}, {"value": "3"}]},
              day={"type": "datepicker", "selected_date": "2026-11-30"},
              qty={"type": "number_input", "value": "12"},
              price={"type": "number_input", "value": "12.50"})
    assert (s.text("name"), s.text("blank"), s.text("missing")) == ("Acme", None, None)
    assert (s.selected("carrier"), s.selected("missing")) == ("UPS", None)
    assert (s.selected_options("lines"), s.selected_options("carrier")) == (["1", "3"], ["UPS"])
    assert s.date("day").isoformat() == "2026-11-30" and s.date("missing") is None
    assert (s.number("qty"), str(s.number("price")), s.number("missing")) == (12, "12.50", None)


def test_a_number_that_is_not_one_is_an_error_under_its_field():
    with pytest.raises(ValidationFailed) as refused:
        state(qty={"type": "number_input", "value": "twelve"}).number("qty")
    assert set(refused.value.errors) == {"qty"}


@pytest.mark.parametrize("picked", ["2027-02-29", "2026-13-01", "yesterday"])
def test_a_day_that_is_not_on_the_calendar_is_an_error_under_its_field(picked):
    """A forged or stale payload's impossible day was 'Something went wrong'."""
    with pytest.raises(ValidationFailed) as refused:
        state(day={"type": "datepicker", "selected_date": picked}).date("day")
    assert set(refused.value.errors) == {"day"} and picked in refused.value.errors["day"]


class RefusingSlack:
    """A client that refuses chat.update the way Slack does for a deleted message."""

    def __init__(self):
        self.calls = []

    def chat_update(self, **kwargs):
        self.calls.append("chat.update")
        response = SlackResponse(client=None, http_verb="POST", api_url="chat.update",
                                 req_args={}, data={"ok": False, "error": "message_not_found"},
                                 headers={}, status_code=200)
        raise SlackApiError("message_not_found", response)

    def chat_postEphemeral(self, **kwargs):
        self.calls.append("chat.postEphemeral")


def test_a_refused_card_update_is_logged_and_the_confirmation_still_goes(caplog):
    slack, kicked, acks = RefusingSlack(), [], []
    deps = SimpleNamespace(db=None, kick_outbox=lambda db, client: kicked.append(client),
                           settings=SimpleNamespace(default_locale="en"))
    request = Request(deps=deps, body={"type": "block_actions", "user": {"id": "U1"}},
                      client=slack)
    result = SimpleNamespace(order=order(),
                             posted_cards=(("C1", "1.1", "full"), ("C2", "2.2", "full")))
    Reply().kick_outbox().refresh_cards(result).confirm("Saved.", channel="C1").deliver(
        request, lambda *args: acks.append(args))
    assert acks == [("",)] and kicked == [slack]
    assert slack.calls == ["chat.update", "chat.update", "chat.postEphemeral"]
    assert caplog.text.count("message_not_found") == 2


class NotThereSlack:
    """Slack where the app is not in the conversation: ephemerals refused, DMs taken."""

    def __init__(self):
        self.posted: list[dict] = []

    def chat_postEphemeral(self, **kwargs):
        response = SlackResponse(client=None, http_verb="POST", api_url="chat.postEphemeral",
                                 req_args={}, data={"ok": False, "error": "channel_not_found"},
                                 headers={}, status_code=200)
        raise SlackApiError("channel_not_found", response)

    def chat_postMessage(self, **kwargs):
        self.posted.append(kwargs)


def test_a_confirmation_slack_refuses_in_the_channel_goes_to_the_dm_saying_why():
    slack = NotThereSlack()
    request = Request(deps=SimpleNamespace(), body={"type": "view_submission",
                                                     "user": {"id": "U1"}}, client=slack)
    Reply().confirm("Saved.", channel="G0PRIVATE").deliver(request, lambda *args: None)
    (dm,) = slack.posted
    assert dm["channel"] == "U1" and "Saved." in json.dumps(dm["blocks"])
    assert "I can't post in <#G0PRIVATE>" in json.dumps(dm["blocks"])
    assert "response_type" not in dm
