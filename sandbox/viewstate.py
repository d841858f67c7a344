"""What a user typed or picked: view.state.values, built the way Slack's client builds it.

`initial_state(blocks)` starts from the elements' initial_* fields, `state_entry(element, v)`
turns a test-friendly value ("SO-1042", "2024-05-01", ["a", "b"]) into the entry for that
element type, and `client_errors(view)` are the checks Slack's client makes before it sends a
view_submission at all (required fields, min_length, numbers).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator

STATE_KEY = {
    "plain_text_input": "value", "email_text_input": "value", "url_text_input": "value",
    "number_input": "value", "rich_text_input": "rich_text_value",
    "static_select": "selected_option", "external_select": "selected_option",
    "radio_buttons": "selected_option", "overflow": "selected_option",
    "multi_static_select": "selected_options", "multi_external_select": "selected_options",
    "checkboxes": "selected_options",
    "users_select": "selected_user", "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel", "multi_channels_select": "selected_channels",
    "datepicker": "selected_date", "timepicker": "selected_time",
    "datetimepicker": "selected_date_time", "file_input": "files",
}
_INITIAL = {
    "value": "initial_value", "rich_text_value": "initial_value",
    "selected_option": "initial_option", "selected_options": "initial_options",
    "selected_user": "initial_user", "selected_users": "initial_users",
    "selected_conversation": "initial_conversation",
    "selected_conversations": "initial_conversations",
    "selected_channel": "initial_channel", "selected_channels": "initial_channels",
    "selected_date": "initial_date", "selected_time": "initial_time",
    "selected_date_time": "initial_date_time",
}
_LISTS = {"selected_options", "selected_users", "selected_conversations", "selected_channels",
          "files"}
REQUIRED_MSG = "Please complete this required field."


def elements(blocks: list) -> Iterator[tuple[dict, dict]]:
    """(block, element) for every interactive element: input, accessory, actions."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "input" and isinstance(block.get("element"), dict):
            yield block, block["element"]
        elif block.get("type") == "section" and isinstance(block.get("accessory"), dict):
            yield block, block["accessory"]
        elif block.get("type") == "actions":
            yield from ((block, el) for el in block.get("elements") or [] if isinstance(el, dict))


def find_elements(blocks: list, key: str) -> list[tuple[dict, dict]]:
    """Elements whose action_id is `key`, or whose "block_id.action_id" is `key`."""
    return [(b, e) for b, e in elements(blocks)
            if e.get("action_id") == key or f"{b.get('block_id')}.{e.get('action_id')}" == key]


def find_input_by_label(blocks: list, label: str) -> tuple[dict, dict] | None:
    for block, el in elements(blocks):
        text = (block.get("label") or {}).get("text", "") if block.get("type") == "input" else ""
        if text and text.strip().lower() == label.strip().lower():
            return block, el
    return None


def options_of(element: dict) -> list[dict]:
    opts = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        opts += group.get("options") or []
    return opts


def initial_state(blocks: list) -> dict:
    """state.values for a freshly opened view: every stateful element, initial values set."""
    values: dict[str, dict] = {}
    for block, el in elements(blocks):
        key = STATE_KEY.get(el.get("type", ""))
        if key is None or "action_id" not in el:
            continue
        if block.get("type") != "input" and _INITIAL.get(key, "") not in el:
            continue  # Slack only reports non-input elements once they hold a value
        default: Any = [] if key in _LISTS else None
        entry = {"type": el["type"], key: el.get(_INITIAL.get(key, ""), default)}
        values.setdefault(block["block_id"], {})[el["action_id"]] = entry
    return values


def state_entry(element: dict, value: Any) -> dict:
    """The state entry for `element` holding `value` (str, list, dict, date or None)."""
    etype = element.get("type", "")
    key = STATE_KEY.get(etype)
    if key is None:
        raise ValueError(f"element type {etype!r} holds no value")
    if key in _LISTS:
        items = [] if value is None else value if isinstance(value, (list, tuple)) else [value]
        if key == "selected_options":
            items = [pick_option(element, v) for v in items]
        return {"type": etype, key: list(items)}
    if key == "selected_option" and value is not None:
        value = pick_option(element, value)
    elif key == "rich_text_value" and isinstance(value, str):
        value = {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
            {"type": "text", "text": value}]}]}
    elif isinstance(value, (dt.date, dt.time)):
        value = value.isoformat()[:5] if isinstance(value, dt.time) else value.isoformat()
    elif key == "value" and value is not None:
        value = str(value)
    return {"type": etype, key: value}


def pick_option(element: dict, wanted: Any) -> dict:
    """The option whose value (or visible text) is `wanted`; external selects take anything."""
    if isinstance(wanted, dict):
        return wanted
    wanted = str(wanted)
    if element.get("type", "").endswith("external_select"):
        return {"text": {"type": "plain_text", "text": wanted}, "value": wanted}
    opts = options_of(element)
    for opt in opts:
        if opt.get("value") == wanted:
            return opt
    for opt in opts:
        if str((opt.get("text") or {}).get("text", "")).lower() == wanted.lower():
            return opt
    shown = ", ".join(repr(o.get("value")) for o in opts)
    raise ValueError(f"{element.get('action_id')!r} has no option {wanted!r} (options: {shown})")


def is_empty(entry: dict | None) -> bool:
    if not entry:
        return True
    value = next((v for k, v in entry.items() if k != "type"), None)
    return value in (None, "", [], {})


def client_errors(blocks: list, values: dict) -> dict[str, str]:
    """Errors Slack's client shows without sending anything (block_id -> message)."""
    errors: dict[str, str] = {}
    for block in blocks:
        if not isinstance(block, dict) or block.get("type") != "input":
            continue
        el = block.get("element") or {}
        entry = values.get(block.get("block_id"), {}).get(el.get("action_id"))
        if is_empty(entry):
            if not block.get("optional"):
                errors[block["block_id"]] = REQUIRED_MSG
            continue
        problem = _value_problem(el, entry)
        if problem:
            errors[block["block_id"]] = problem
    return errors


def _value_problem(el: dict, entry: dict) -> str | None:
    value = next(v for k, v in entry.items() if k != "type")
    etype = el.get("type")
    if etype == "plain_text_input":
        if len(value) < el.get("min_length", 0):
            return f"Please enter at least {el['min_length']} characters."
        if len(value) > el.get("max_length", 3000):
            return f"Please enter no more than {el.get('max_length', 3000)} characters."
    if etype == "number_input":
        pattern = r"-?\d+(\.\d+)?" if el.get("is_decimal_allowed") else r"-?\d+"
        if not re.fullmatch(pattern, value):
            return "Please enter a number." if el.get("is_decimal_allowed") else (
                "Please enter a whole number.")
        for bound, bad in (("min_value", lambda v, b: v < b), ("max_value", lambda v, b: v > b)):
            if el.get(bound) is not None and bad(float(value), float(el[bound])):
                return f"Please enter a number {'at least' if bound == 'min_value' else 'at most'}"\
                       f" {el[bound]}."
    if etype == "email_text_input" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        return "Please enter a valid email address."
    if etype == "datepicker" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        return "Please enter a valid date."
    return None
