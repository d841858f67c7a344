"""A user acting in Slack: slash commands, clicks, modal submits and closes, shortcuts.

Each method sends one signed request to the app (see player.py) and then applies the app's
HTTP response the way Slack would (ack text shown as an ephemeral, response_action...).
Mixed into SlackSandbox, which provides `self.ws` and `self.player`.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox import payloads
from sandbox.blockkit import validate_message_blocks
from sandbox.locate import find_target, resolve_channel, resolve_message, resolve_view
from sandbox.model import Delivery, Message, View
from sandbox.player import Player
from sandbox.state import Workspace
from sandbox.viewstate import STATE_KEY, client_errors, find_elements, state_entry
from sandbox.webapi_chat import show_response
from sandbox.webapi_core import ApiError
from sandbox.webapi_views import checked_view, open_modal, set_contents


class Interactions:
    ws: Workspace
    player: Player

    def _response_url(self, **kwargs: Any) -> tuple[str, str]:
        rid = self.ws.issue_response_url(**kwargs)
        return rid, f"{self.ws.base_url}response/{rid}"

    def slash(self, command: str, text: str = "", *, user: str, channel: str) -> Delivery:
        """A slash command; an ack carrying text/blocks is shown like Slack shows it."""
        chan = resolve_channel(self.ws, channel)
        rid, url = self._response_url(channel=chan.id, user=user)
        fields = payloads.slash_fields(self.ws, command, text, user=user, chan=chan,
                                       response_url=url, trigger_id=self.ws.issue_trigger(user))
        delivery = self.player.send_form("slash_command", command, fields)
        if delivery.status == 200 and not delivery.late and delivery.body:
            body = delivery.body if isinstance(delivery.body, dict) else {"text": delivery.body}
            self._show_ack(rid, body, delivery)
        return delivery

    def _show_ack(self, rid: str, body: dict, delivery: Delivery) -> None:
        if not (body.get("text") or body.get("blocks")):
            return
        errors = validate_message_blocks(body["blocks"]) if body.get("blocks") else []
        with self.ws.lock:
            status, text = show_response(self.ws, self.ws.response_urls[rid], body)
        if status != 200:
            delivery.problems.append(f"Slack rejected the ack payload: {text} {errors}")

    def click(self, action_id: str, *, user: str, message: Message | str | None = None,
              view: View | str | None = None, value: str | None = None,
              block_id: str | None = None, selected_user: str | None = None,
              selected_option: Any = None) -> Delivery:
        """Use a button/select/picker: block_actions from its message or view."""
        with self.ws.lock:
            payload = self._action_payload(action_id, user=user, message=message, view=view,
                                           value=value, block_id=block_id,
                                           selected_user=selected_user,
                                           selected_option=selected_option)
        return self.player.send_interaction("block_actions", action_id, payload)

    def double_click(self, action_id: str, *, user: str, message: Message | str) -> tuple:
        """Press a message's button twice before Slack redraws it: both block_actions come
        from the message as it was at the first press (each with its own trigger)."""
        with self.ws.lock:
            payloads_ = [self._action_payload(action_id, user=user, message=message)
                         for _ in range(2)]
        return tuple(self.player.send_interaction("block_actions", action_id, p)
                     for p in payloads_)

    def _action_payload(self, action_id: str, *, user: str, message=None, view=None,
                        value=None, block_id=None, selected_user=None,
                        selected_option=None) -> dict:
        ws = self.ws
        target = find_target(ws, action_id, user=user, message=message, view=view,
                             block_id=block_id, value=value)
        chosen = next((v for v in (selected_option, selected_user, value) if v is not None),
                      None)
        if chosen is None and target.element.get("type") not in ("button", "workflow_button"):
            raise ValueError(f"{action_id!r} is a {target.element.get('type')}: pass "
                             "selected_option=, selected_user= or value=")
        action = payloads.action_obj(target.block, target.element, chosen)
        trigger = ws.issue_trigger(user)
        if target.view is not None:
            self._remember_choice(target.view, target.block, target.element, chosen)
            payload = payloads.block_actions(ws, action, user=user, trigger_id=trigger,
                                             view=target.view)
        else:
            msg = target.message
            assert msg is not None
            _, url = self._response_url(channel=msg.channel, user=user,
                                        original_ts=msg.ts, thread_ts=msg.thread_ts)
            payload = payloads.block_actions(ws, action, user=user, trigger_id=trigger,
                                             message=msg, chan=ws.channels[msg.channel],
                                             response_url=url)
        return payload

    def _remember_choice(self, view: View, block: dict, element: dict, chosen: Any) -> None:
        if element.get("type") in STATE_KEY and chosen is not None:
            entry = state_entry(element, chosen)
            view.state.setdefault(block["block_id"], {})[element["action_id"]] = entry
            self.ws.touch(view)

    def submit(self, view: View | str, values: dict[str, Any] | None = None, *,
               user: str) -> Delivery:
        """Fill in fields (by action_id or "block_id.action_id") and press Submit."""
        ws = self.ws
        with ws.lock:
            target = resolve_view(ws, view)
            if not target.is_open:
                raise LookupError(f"view {target.id} ({target.callback_id}) is not open")
            state = copy.deepcopy(target.state)
            for key, value in (values or {}).items():
                block, element = self._field(target, key)
                state.setdefault(block["block_id"], {})[element["action_id"]] = state_entry(
                    element, value)
            target.state = state
            target.errors = client_errors(target.blocks, state)
            ws.touch(target)
            if target.errors:
                return Delivery(kind="view_submission", status=0, sent=False, ack_ms=0.0,
                                body={"client_errors": dict(target.errors)}, request_headers={},
                                problems=[f"not sent, Slack's client refuses: {target.errors}"])
            payload = payloads.view_submission(ws, target, user=user,
                                               trigger_id=ws.issue_trigger(user))
            target.last_submission = payload
        return self._deliver_submission(target, payload, user)

    def resubmit(self, view: View | str, *, user: str) -> Delivery:
        """The same view_submission again, byte for byte but a new trigger_id: a double click
        on Submit, or the user pressing it again after a late ack left the modal open. It goes
        even when the first delivery's ack has closed the view meanwhile (the second click was
        already on its way)."""
        with self.ws.lock:
            target = resolve_view(self.ws, view)
            if target.last_submission is None:
                raise LookupError(f"view {target.id} ({target.callback_id}) was never submitted")
            payload = {**target.last_submission, "trigger_id": self.ws.issue_trigger(user)}
        return self._deliver_submission(target, payload, user)

    def _deliver_submission(self, target: View, payload: dict, user: str) -> Delivery:
        delivery = self.player.send_interaction("view_submission", target.callback_id, payload)
        if delivery.status == 200 and not delivery.late and target.is_open:
            self._apply_submission_ack(target, delivery, user)
        return delivery

    def _field(self, view: View, key: str) -> tuple[dict, dict]:
        found = [(b, e) for b, e in find_elements(view.blocks, key) if e.get("type") in STATE_KEY]
        if not found:
            fields = [f"{b.get('block_id')}.{e.get('action_id')}"
                      for b in view.blocks if b.get("type") == "input"
                      for e in [b.get("element") or {}]]
            raise KeyError(f"view {view.callback_id!r} has no field {key!r} (fields: {fields})")
        return found[0]

    def _apply_submission_ack(self, view: View, delivery: Delivery, user: str) -> None:
        body = delivery.body if isinstance(delivery.body, dict) else {}
        action = body.get("response_action")
        with self.ws.lock:
            if not action:
                self.ws.close_view(view)
            elif action == "errors":
                self._apply_errors(view, body.get("errors") or {}, delivery)
            elif action == "clear":
                self.ws.clear_stack(user)
            elif action in ("update", "push"):
                try:
                    new = checked_view(body.get("view"))
                    if action == "update":
                        set_contents(self.ws, view, new)
                    else:
                        open_modal(self.ws, user, new, push=True)
                except ApiError as exc:
                    delivery.problems.append(f"response_action {action} rejected: "
                                             f"{exc.error} {exc.extra.get('errors', '')}")
            else:
                delivery.problems.append(f"unknown response_action {action!r}")

    def _apply_errors(self, view: View, errors: dict, delivery: Delivery) -> None:
        inputs = {b.get("block_id") for b in view.blocks if b.get("type") == "input"}
        unknown = sorted(set(errors) - inputs)
        if unknown:
            delivery.problems.append(f"errors for {unknown}, which are not input block_ids of "
                                     f"the view (inputs: {sorted(inputs)}): Slack shows a "
                                     "generic error instead")
        view.errors = dict(errors)
        self.ws.touch(view)

    def close_view(self, view: View | str, *, user: str) -> Delivery:
        """The user presses Close; view_closed is sent only if notify_on_close."""
        with self.ws.lock:
            target = resolve_view(self.ws, view)
            if target.clear_on_close:
                self.ws.clear_stack(user)
            else:
                self.ws.close_view(target)
            if not target.notify_on_close:
                return Delivery(kind="view_closed", status=0, body=None, ack_ms=0.0,
                                request_headers={}, sent=False)
            payload = payloads.view_closed(self.ws, target, user=user,
                                           is_cleared=target.clear_on_close)
        return self.player.send_interaction("view_closed", target.callback_id, payload)

    def message_shortcut(self, callback_id: str, *, message: Message | str,
                         user: str) -> Delivery:
        with self.ws.lock:
            msg = resolve_message(self.ws, message)
            _, url = self._response_url(channel=msg.channel, user=user, thread_ts=msg.thread_ts)
            payload = payloads.message_shortcut(
                self.ws, callback_id, message=msg, chan=self.ws.channels[msg.channel], user=user,
                trigger_id=self.ws.issue_trigger(user), response_url=url)
        return self.player.send_interaction("message_action", callback_id, payload)

    def global_shortcut(self, callback_id: str, *, user: str) -> Delivery:
        payload = payloads.global_shortcut(self.ws, callback_id, user=user,
                                           trigger_id=self.ws.issue_trigger(user))
        return self.player.send_interaction("shortcut", callback_id, payload)

    def block_suggestion(self, action_id: str, value: str, *, user: str,
                         view: View | str) -> Delivery:
        """An external_select asks for options; they come back in Delivery.body["options"]."""
        with self.ws.lock:
            target = find_target(self.ws, action_id, user=user, message=None, view=view)
            assert target.view is not None
            payload = payloads.block_suggestion(self.ws, target.block["block_id"], action_id,
                                                value, user=user, view=target.view)
        delivery = self.player.send_interaction("block_suggestion", action_id, payload)
        if not (isinstance(delivery.body, dict)
                and ("options" in delivery.body or "option_groups" in delivery.body)):
            # Slack shows the menu's own error for anything else, an empty body included.
            delivery.problems.append(f"an options request is answered with options or "
                                     f"option_groups, not {str(delivery.body)[:80]!r}")
        options = delivery.body.get("options", []) if isinstance(delivery.body, dict) else []
        if len(options) > 100:
            delivery.problems.append(f"{len(options)} options, max 100")
        return delivery
