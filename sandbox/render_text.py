"""Block Kit rendered as readable plain text, for the console and for test failure messages.

Headers are uppercase, mrkdwn is shown as plain text, section fields sit in two columns,
buttons look like [Button text], context lines are dimmed ("  · ..."), inputs read
`Label (action_id): current value` with any error underneath ("  ! ...").
Slack's date tokens (`<!date^1733270400^{date_short_pretty} {time}|fallback>`) show in the
viewer's time zone (`tz`, as users.info gives it), as Slack shows them to each reader.
"""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Mapping
from zoneinfo import ZoneInfo

from sandbox.model import Message, View

_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_EMPHASIS = re.compile(r"(?<![\w*_~])([*_~])(?=\S)(.+?)(?<=\S)\1(?![\w*_~])")
COLUMN = 38
_viewer_tz: ContextVar[str] = ContextVar("viewer_tz", default="UTC")
_DATE_TOKEN = re.compile(r"\{(\w+)\}")


@contextmanager
def viewed_in(tz: str | None):
    """Render date tokens in `tz` (the viewer's zone) within this block."""
    token = _viewer_tz.set(tz or _viewer_tz.get())
    try:
        yield
    finally:
        _viewer_tz.reset(token)


def view_as(tz: str) -> None:
    """From now on in this thread (the console's), render date tokens in `tz`."""
    _viewer_tz.set(tz)


def date_token(target: str, fallback: str | None) -> str:
    """'!date^<unix>^<format>[^<link>]' in the viewer's zone, as Slack renders it (24-hour time,
    the zone's abbreviation added so console output says which zone); the fallback when the
    token is malformed or uses a format token Slack does not know."""
    parts = target.split("^")
    try:
        zone = ZoneInfo(_viewer_tz.get())
        at = datetime.fromtimestamp(int(parts[1]), zone)
        today = datetime.now(zone).date()
        pretty = {today: "Today", today - timedelta(days=1): "Yesterday",
                  today + timedelta(days=1): "Tomorrow"}.get(at.date())
        short = f"{at:%b} {at.day}, {at.year}"
        tokens = {"date_num": f"{at:%Y-%m-%d}", "date_short": short,
                  "date_short_pretty": pretty or short, "date": f"{at:%B} {at.day}, {at.year}",
                  "date_pretty": pretty or f"{at:%B} {at.day}, {at.year}",
                  "date_long": f"{at:%A, %B} {at.day}, {at.year}", "time": f"{at:%H:%M}",
                  "time_secs": f"{at:%H:%M:%S}"}
        shown = _DATE_TOKEN.sub(lambda m: tokens[m.group(1)], parts[2])
    except (IndexError, ValueError, KeyError, OverflowError):
        return fallback or target
    return f"{shown} {at:%Z}" if "{time" in parts[2] else shown


def mrkdwn_to_plain(text: str, users: Mapping[str, str] | None = None) -> str:
    """*bold* -> bold, <url|label> -> label (url), <@U1> -> @name, <#C1> -> #name (as Slack
    shows them; `users` names channels too), &amp; -> &."""
    users = users or {}

    def link(m: re.Match) -> str:
        target, label = m.group(1), m.group(2)
        if target.startswith("@"):
            return "@" + (label or users.get(target[1:], target[1:]))
        if target.startswith("#"):
            return "#" + (label or users.get(target[1:], target[1:]))
        if target.startswith("!date^"):
            return date_token(target[1:], label)
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return f"{label} ({target})" if label else target

    return html.unescape(_EMPHASIS.sub(r"\2", _LINK.sub(link, text)))


def _text(obj: object, users: Mapping[str, str] | None = None) -> str:
    if not isinstance(obj, dict):
        return ""
    text = str(obj.get("text", ""))
    return mrkdwn_to_plain(text, users) if obj.get("type") == "mrkdwn" else text


def _element(el: dict, value: str | None = None) -> str:
    etype = el.get("type", "")
    if etype in ("button", "workflow_button"):
        return f"[{_text(el.get('text'))}]"
    if etype == "image":
        return f"[image: {el.get('alt_text', '')}]"
    if etype == "overflow":
        return "[...]"
    if etype in ("checkboxes", "radio_buttons"):
        mark = "x" if etype == "checkboxes" else "o"
        return "  ".join(f"({mark}) {_text(o.get('text'))}" for o in el.get("options") or [])
    shown = value or _text(el.get("placeholder")) or etype.replace("_", " ")
    return f"[{shown} v]"


def state_value(entry: dict | None) -> str:
    """What an input currently holds, for display."""
    if not entry:
        return ""
    for key, value in entry.items():
        if key == "type" or value in (None, [], ""):
            continue
        if isinstance(value, dict):
            return _text(value.get("text")) or str(value.get("value", ""))
        if isinstance(value, list):
            return ", ".join(_text(v.get("text")) if isinstance(v, dict) else str(v)
                             for v in value)
        return str(value)
    return ""


def _fields(fields: list, users: Mapping[str, str] | None) -> list[str]:
    cells = [_text(f, users).replace("\n", " ") for f in fields]
    rows = []
    for i in range(0, len(cells), 2):
        left = cells[i]
        right = cells[i + 1] if i + 1 < len(cells) else ""
        rows.append(f"{left:<{COLUMN}} {right}".rstrip())
    return rows


def _rich_text(block: dict) -> str:
    parts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("text", "link"):
                parts.append(str(node.get("text") or node.get("url", "")))
            elif node.get("type") == "user":
                parts.append("@" + str(node.get("user_id")))
            walk(node.get("elements"))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(block.get("elements"))
    return "".join(parts)


def render_blocks(blocks: list, *, state: dict | None = None, errors: dict | None = None,
                  users: Mapping[str, str] | None = None, tz: str | None = None) -> str:
    """Blocks as text lines; `state`/`errors` are a view's state.values and errors; dates in
    the viewer's zone `tz`."""
    lines: list[str] = []
    with viewed_in(tz):
        for block in blocks or []:
            lines += _block(block, state or {}, errors or {}, users)
    return "\n".join(lines)


def _block(block: dict, state: dict, errors: dict, users: Mapping[str, str] | None) -> list[str]:
    btype, block_id = block.get("type"), block.get("block_id")
    if btype == "header":
        return [_text(block.get("text")).upper()]
    if btype == "divider":
        return ["-" * 40]
    if btype == "context":
        parts = [_text(e, users) if e.get("type") != "image" else _element(e)
                 for e in block.get("elements") or []]
        return ["  · " + "  ".join(p for p in parts if p)]
    if btype == "actions":
        return ["  ".join(_element(e, state_value(state.get(block_id, {}).get(
            e.get("action_id")))) for e in block.get("elements") or [])]
    if btype == "image":
        return [_element(block)]
    if btype == "rich_text":
        return [_rich_text(block)]
    if btype == "markdown":
        return [mrkdwn_to_plain(str(block.get("text", "")), users)]
    if btype == "input":
        return _input(block, state, errors)
    if btype == "section":
        lines = [_text(block.get("text"), users)] if block.get("text") else []
        lines += _fields(block.get("fields") or [], users)
        if block.get("accessory"):
            acc = _element(block["accessory"])
            lines = [f"{lines[0]}  {acc}", *lines[1:]] if lines else [acc]
        return lines
    return [f"<{btype} block>"]


def _input(block: dict, state: dict, errors: dict) -> list[str]:
    el = block.get("element") or {}
    action_id = el.get("action_id", "?")
    value = state_value(state.get(block.get("block_id"), {}).get(action_id))
    optional = " (optional)" if block.get("optional") else ""
    lines = [f"{_text(block.get('label'))}{optional} ({action_id}): {value}".rstrip()]
    if el.get("type") in ("static_select", "radio_buttons", "checkboxes", "multi_static_select"):
        opts = [_text(o.get("text")) or str(o.get("value")) for o in el.get("options") or []]
        lines.append(f"    options: {', '.join(opts)}")
    if block.get("hint"):
        lines.append(f"    {_text(block['hint'])}")
    if block.get("block_id") in errors:
        lines.append(f"  ! {errors[block['block_id']]}")
    return lines


def render_message(msg: Message, *, users: Mapping[str, str] | None = None,
                   index: int | None = None, tz: str | None = None) -> str:
    who = (users or {}).get(msg.user or "", msg.user or "?")
    flags = [f for f, on in (("ephemeral, only you", msg.is_ephemeral), ("edited", msg.edited),
                             ("deleted", msg.deleted)) if on]
    head = f"{f'[{index}] ' if index is not None else ''}@{who}"
    head += f" ({', '.join(flags)})" if flags else ""
    with viewed_in(tz):
        body = render_blocks(msg.blocks, users=users) if msg.blocks else mrkdwn_to_plain(
            msg.text, users)
    files = [f"[file: {f.get('name')}]" for f in msg.files]
    return "\n".join([head + ":", *_indent([body, *files])])


def render_view(view: View, *, users: Mapping[str, str] | None = None,
                tz: str | None = None) -> str:
    title = _text(view.title) or ("App Home" if view.type == "home" else "Modal")
    head = f"+-- {title} ({view.callback_id or view.type}, {view.id}) --"
    body = render_blocks(view.blocks, state=view.state, errors=view.errors, users=users, tz=tz)
    buttons = " ".join(f"[{_text(b)}]" for b in (view.submit, view.close) if b)
    return "\n".join([head, *_indent([body]), *([f"  {buttons}"] if buttons else [])])


def _indent(chunks: list[str]) -> list[str]:
    return ["  " + line for chunk in chunks if chunk for line in chunk.split("\n")]
