"""Finding what a user acts on: a message, a view, or the element with a given action_id."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.model import Channel, Message, View
from sandbox.state import Workspace
from sandbox.viewstate import elements, find_elements


@dataclass
class Target:
    block: dict
    element: dict
    message: Message | None = None
    view: View | None = None


def resolve_channel(ws: Workspace, ref: str) -> Channel:
    chan = ws.find_channel(ref)
    if chan is None:
        names = sorted(f"#{c.name}" for c in ws.channels.values() if not c.is_im)
        raise LookupError(f"no channel {ref!r} (channels: {', '.join(names)})")
    return chan


def resolve_message(ws: Workspace, message: Message | str) -> Message:
    ts = message.ts if isinstance(message, Message) else message
    found = ws.find_any_message(ts)
    if found is None:
        raise LookupError(f"no message with ts {ts!r} in the sandbox")
    return found


def resolve_view(ws: Workspace, view: View | str) -> View:
    view_id = view.id if isinstance(view, View) else view
    found = ws.views.get(view_id)
    if found is None:
        raise LookupError(f"no view {view_id!r} (open views: {sorted(ws.views)})")
    return found


def find_target(ws: Workspace, action_id: str, *, user: str, message: Message | str | None,
                view: View | str | None, block_id: str | None = None,
                value: str | None = None) -> Target:
    """The element to act on; with neither message nor view, the user's open modals first,
    then the newest message (ephemerals to this user included) that has it."""
    with ws.lock:
        if view is not None:
            candidates = [resolve_view(ws, view)]
        elif message is not None:
            candidates = [resolve_message(ws, message)]
        else:
            candidates = [*reversed(ws.stack(user)), *_messages_newest_first(ws, user)]
            home = ws.views.get(ws.homes.get(user, ""))
            candidates += [home] if home is not None else []
        for record in candidates:
            found = _match(record.blocks, action_id, block_id=block_id, value=value)
            if found is not None:
                block, element = found
                if isinstance(record, View):
                    return Target(block, element, view=record)
                return Target(block, element, message=record)
        raise LookupError(_not_found(action_id, candidates[:5]))


def _messages_newest_first(ws: Workspace, user: str) -> list[Message]:
    pool = [m for msgs in ws.messages.values() for m in msgs if not m.deleted]
    pool += [m for m in ws.ephemerals if m.recipient == user and not m.deleted]
    return sorted(pool, key=lambda m: float(m.ts), reverse=True)


def _match(blocks: list, action_id: str, *, block_id: str | None,
           value: str | None) -> tuple[dict, dict] | None:
    for block, element in find_elements(blocks, action_id):
        if block_id is not None and block.get("block_id") != block_id:
            continue
        if value is not None and element.get("type") == "button" and (
                element.get("value") != value):
            continue
        return block, element
    return None


def _not_found(action_id: str, searched: list) -> str:
    seen = []
    for record in searched:
        ids = [e.get("action_id") for _, e in elements(record.blocks)]
        label = f"view {record.id}" if isinstance(record, View) else f"message {record.ts}"
        seen.append(f"{label}: {ids}")
    where = "; ".join(seen) or "nothing to search"
    return f"no element with action_id {action_id!r} (searched {where})"


def button_by_text(ws: Workspace, text: str, *, user: str,
                   records: list[Message | View] | None = None) -> Target | None:
    """The newest button whose label (or action_id) is `text`, case-insensitive (console);
    failing that, the newest whose label starts with it (`Next` for "Next 10 ›")."""
    wanted = text.strip().lower()
    with ws.lock:
        found = [(record, block, el) for record in _records(ws, user, records)
                 for block, el in elements(record.blocks)
                 if el.get("type") in ("button", "workflow_button")]
    for exact in (True, False):
        for record, block, el in found:
            label = _text_of(el.get("text")).lower()
            if (wanted in (label, str(el.get("action_id", "")).lower()) if exact
                    else wanted and label.startswith(wanted)):
                return _target(record, block, el)
    return None


def select_by_text(ws: Workspace, text: str, *, user: str,
                   records: list[Message | View] | None = None) -> tuple[Target, dict] | None:
    """The newest select menu and option that `text` names by what people see: "<menu's
    placeholder> <option>" (`Snooze 4 hours`) or the option alone (`4 hours`), case-
    insensitive; an option's label may be cut short (`Snooze 4`). (console)"""
    wanted = " ".join(text.lower().split())
    with ws.lock:
        found = [(record, block, el) for record in _records(ws, user, records)
                 for block, el in elements(record.blocks) if el.get("options")
                 and el.get("type") not in ("checkboxes", "radio_buttons")]
    for exact in (True, False):
        for record, block, el in found:
            menu = _text_of(el.get("placeholder")).lower().rstrip("…. ")
            asked = [wanted]
            if menu and wanted.startswith(menu + " "):
                asked.insert(0, wanted[len(menu) + 1:])
            for option in el.get("options") or []:
                label = " ".join(_text_of(option.get("text")).lower().split())
                if any(label == a if exact else label.startswith(a) for a in asked if a):
                    return _target(record, block, el), option
    return None


def _records(ws: Workspace, user: str, records) -> list:
    if records is not None:
        return list(records)
    home = ws.views.get(ws.homes.get(user, ""))
    return [*reversed(ws.stack(user)), *_messages_newest_first(ws, user),
            *([home] if home is not None else [])]


def _target(record, block: dict, el: dict) -> Target:
    if isinstance(record, View):
        return Target(block, el, view=record)
    return Target(block, el, message=record)


def _text_of(obj) -> str:
    return str((obj or {}).get("text", "")) if isinstance(obj, dict) else ""
