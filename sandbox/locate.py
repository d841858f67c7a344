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
    """The newest button whose label (or action_id) is `text`, case-insensitive (console)."""
    with ws.lock:
        if records is None:
            records = [*reversed(ws.stack(user)), *_messages_newest_first(ws, user)]
        wanted = text.strip().lower()
        for record in records:
            for block, el in elements(record.blocks):
                label = str((el.get("text") or {}).get("text", "")).lower()
                if wanted in (label, str(el.get("action_id", "")).lower()):
                    if isinstance(record, View):
                        return Target(block, el, view=record)
                    return Target(block, el, message=record)
        return None
