"""What one person's Slack window shows, as JSON for the web page.

The page renders only this: channels they are in, one channel's messages with their own
ephemerals, one thread, their open modal and their App Home. Nothing here decides anything
Slack would; it reads the sandbox's records under its lock.
"""

from __future__ import annotations

from typing import Any

from sandbox.model import Message, View
from sandbox.state import Workspace

MAX_MESSAGES = 150  # newest top-level messages sent for a channel; Slack pages older ones too


def visible_state(ws: Workspace, *, user: str, channel: str | None, thread_ts: str | None,
                  labels: dict[str, str]) -> dict[str, Any]:
    with ws.lock:
        me = ws.users[user]
        ws.open_im(user)  # Slack lists the DM with the app under "Apps" from the start
        channels = [_channel(ws, c, user) for c in ws.channels.values()
                    if user in c.members and (not c.is_im or c.im_user)]
        channels.sort(key=lambda c: (c["is_im"], c["name"]))
        ids = {c["id"] for c in channels}
        current = channel if channel in ids else (channels[0]["id"] if channels else None)
        messages = _channel_messages(ws, current, user) if current else []
        thread = _thread(ws, current, thread_ts, user) if current and thread_ts else None
        stack = ws.stack(user)
        home = ws.views.get(ws.homes.get(user, ""))
        return {
            "version": ws.version,
            "me": {"id": me.id, "name": me.name, "tz": me.tz},
            "users": [{"id": u.id, "name": u.name, "label": _label(u.name, labels.get(u.id))}
                      for u in ws.users.values() if not u.is_bot and not u.team_id],
            "names": {**{c.id: c.name for c in ws.channels.values() if not c.is_im},
                      **{u.id: u.name for u in ws.users.values()}},
            "bot_user": ws.bot_user,
            "channels": channels,
            "channel": current,
            "messages": messages,
            "thread": thread,
            "modal": _view(stack[-1]) if stack else None,
            "modal_depth": len(stack),
            "home": _view(home) if home is not None else None,
        }


def _label(name: str, role: str | None) -> str:
    return f"{name.title()} ({role})" if role else name.title()


def _channel(ws: Workspace, chan: Any, user: str) -> dict:
    name = ws.users[chan.im_user].name if chan.is_im and chan.im_user in ws.users else chan.name
    return {"id": chan.id, "name": name, "is_im": chan.is_im, "is_private": chan.is_private,
            "with_app": chan.is_im and chan.im_user == user}


def _channel_messages(ws: Workspace, channel: str, user: str) -> list[dict]:
    top = ws.top_level(channel)[-MAX_MESSAGES:]
    mine = [m for m in ws.ephemerals if m.recipient == user and m.channel == channel
            and not m.deleted and not m.is_reply]
    shown = sorted([*top, *mine], key=lambda m: float(m.ts))
    return [_message(ws, m) for m in shown]


def _thread(ws: Workspace, channel: str, ts: str, user: str) -> dict | None:
    parent = ws.find_message(channel, ts)
    if parent is None:
        return None
    replies = ws.replies(channel, ts)
    mine = [m for m in ws.ephemerals if m.recipient == user and m.channel == channel
            and not m.deleted and m.thread_ts == ts and m.ts != ts]
    shown = sorted([*replies, *mine], key=lambda m: float(m.ts))
    return {"ts": ts, "parent": _message(ws, parent),
            "replies": [_message(ws, m) for m in shown]}


def _message(ws: Workspace, msg: Message) -> dict:
    replies = ws.replies(msg.channel, msg.ts) if not msg.is_reply else []
    author = ws.users.get(msg.user or "")
    return {"ts": msg.ts, "channel": msg.channel, "user": msg.user,
            "name": author.name if author else (msg.user or "app"),
            "is_bot": bool(msg.bot_id or (author and author.is_bot)),
            "text": msg.text, "blocks": msg.blocks, "attachments": msg.attachments,
            "files": [_file(f) for f in msg.files], "thread_ts": msg.thread_ts,
            "reply_count": len(replies), "ephemeral": msg.is_ephemeral, "edited": msg.edited,
            "reactions": {k: len(v) for k, v in msg.reactions.items()},
            "unfurls": list(msg.unfurls.values()), "rev": msg.rev}


def _file(entry: dict) -> dict:
    return {"id": entry.get("id"), "name": entry.get("name"), "title": entry.get("title"),
            "url": f"/files/{entry.get('id')}"}


def _view(view: View) -> dict:
    return {"id": view.id, "type": view.type, "callback_id": view.callback_id,
            "title": view.title, "submit": view.submit, "close": view.close,
            "blocks": view.blocks, "state": view.state, "errors": view.errors,
            "rev": view.rev}
