"""auth.test, users.*, conversations.* and reactions.* methods."""

from __future__ import annotations

from sandbox.model import Channel, Message
from sandbox.state import Workspace
from sandbox.webapi_core import ApiError, channel_param, flag, int_param, method, required

WORKSPACE_URL = "https://orderdesk-sandbox.slack.com/"


@method("auth.test")
def auth_test(ws: Workspace, params: dict) -> dict:
    bot = ws.users[ws.bot_user]
    return {"url": WORKSPACE_URL, "team": "Orderdesk Sandbox", "user": bot.name,
            "team_id": ws.team_id, "user_id": bot.id, "bot_id": ws.bot_id,
            "is_enterprise_install": False}


@method("users.info")
def users_info(ws: Workspace, params: dict) -> dict:
    user = ws.users.get(required(params, "user", "user_not_found"))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user.to_api(ws.team_id, include_locale=flag(params, "include_locale"))}


def _page(items: list, params: dict) -> tuple[list, dict]:
    """Cursor pagination: the cursor is simply the next index."""
    limit = int_param(params, "limit", 200)
    start = int_param(params, "cursor", 0)
    end = start + max(limit, 1)
    next_cursor = str(end) if end < len(items) else ""
    return items[start:end], {"next_cursor": next_cursor}


@method("users.list")
def users_list(ws: Workspace, params: dict) -> dict:
    members, meta = _page([u.to_api(ws.team_id, include_locale=flag(params, "include_locale"))
                           for u in ws.users.values()], params)
    return {"members": members, "response_metadata": meta}


@method("conversations.info")
def conversations_info(ws: Workspace, params: dict) -> dict:
    chan = channel_param(ws, params, need_member=False)
    return {"channel": chan.to_api(bot_user=ws.bot_user)}


@method("conversations.open")
def conversations_open(ws: Workspace, params: dict) -> dict:
    if params.get("channel"):
        chan = channel_param(ws, params, need_member=False)
        return {"channel": {"id": chan.id}, "no_op": True, "already_open": True}
    users = [u for u in str(params.get("users") or "").split(",") if u]
    if not users:
        raise ApiError("users_list_not_supplied")
    for user in users:
        if user not in ws.users:
            raise ApiError("user_not_found")
    if len(users) == 1:
        chan = ws.open_im(users[0])
    else:
        chan = _open_mpim(ws, users)
    body = {"id": chan.id}
    if flag(params, "return_im"):
        body = chan.to_api(bot_user=ws.bot_user)
    return {"channel": body}


def _open_mpim(ws: Workspace, users: list[str]) -> Channel:
    members = sorted({*users, ws.bot_user})
    for chan in ws.channels.values():
        if chan.is_private and sorted(chan.members) == members and chan.name.startswith("mpdm-"):
            return chan
    names = "--".join(ws.users[u].name for u in members)
    chan = Channel(id=ws.new_id("G"), name=f"mpdm-{names}-1", is_private=True, members=members)
    ws.channels[chan.id] = chan
    ws.messages.setdefault(chan.id, [])
    return chan


@method("conversations.list")
def conversations_list(ws: Workspace, params: dict) -> dict:
    types = set(str(params.get("types") or "public_channel").split(","))
    wanted = [c for c in ws.channels.values() if not c.is_im and (
        ("private_channel" in types and c.is_private and ws.bot_user in c.members)
        or ("public_channel" in types and not c.is_private))]
    channels, meta = _page([c.to_api(bot_user=ws.bot_user) for c in wanted], params)
    return {"channels": channels, "response_metadata": meta}


@method("reactions.add")
def reactions_add(ws: Workspace, params: dict) -> dict:
    msg, name = _reaction_target(ws, params)
    users = msg.reactions.setdefault(name, [])
    if ws.bot_user in users:
        raise ApiError("already_reacted")
    users.append(ws.bot_user)
    ws.touch(msg)
    return {}


@method("reactions.remove")
def reactions_remove(ws: Workspace, params: dict) -> dict:
    msg, name = _reaction_target(ws, params)
    if ws.bot_user not in msg.reactions.get(name, []):
        raise ApiError("no_reaction")
    msg.reactions[name].remove(ws.bot_user)
    if not msg.reactions[name]:
        del msg.reactions[name]
    ws.touch(msg)
    return {}


def _reaction_target(ws: Workspace, params: dict) -> tuple[Message, str]:
    chan = channel_param(ws, params)
    msg = ws.find_message(chan.id, str(params.get("timestamp") or ""))
    if msg is None or msg.deleted:
        raise ApiError("message_not_found")
    name = str(params.get("name") or "").strip(":")
    if not name:
        raise ApiError("invalid_name")
    return msg, name


@method("conversations.members")
def conversations_members(ws: Workspace, params: dict) -> dict:
    chan = channel_param(ws, params, need_member=False)
    members, meta = _page(list(chan.members), params)
    return {"members": members, "response_metadata": meta}


@method("conversations.history")
def conversations_history(ws: Workspace, params: dict) -> dict:
    chan = channel_param(ws, params)
    oldest, latest = float(params.get("oldest") or 0), float(params.get("latest") or 9e12)
    inclusive = flag(params, "inclusive")
    msgs = [m for m in reversed(ws.top_level(chan.id))
            if oldest <= float(m.ts) <= latest
            and (inclusive or float(m.ts) not in (oldest, latest))]
    limit = int_param(params, "limit", 100)
    return {"messages": [_with_replies(ws, m) for m in msgs[:limit]],
            "has_more": len(msgs) > limit, "response_metadata": {"next_cursor": ""}}


@method("conversations.replies")
def conversations_replies(ws: Workspace, params: dict) -> dict:
    chan = channel_param(ws, params)
    ts = required(params, "ts", "thread_not_found")
    parent = ws.find_message(chan.id, ts)
    if parent is not None and parent.is_reply:
        ts = parent.thread_ts or ts
        parent = ws.find_message(chan.id, ts)
    replies = ws.replies(chan.id, ts)
    if (parent is None or parent.deleted) and not replies:
        raise ApiError("thread_not_found")
    msgs = ([_with_replies(ws, parent)] if parent is not None else []) + [
        m.to_api() for m in replies]
    limit = int_param(params, "limit", 1000)
    return {"messages": msgs[:limit], "has_more": len(msgs) > limit,
            "response_metadata": {"next_cursor": ""}}


def _with_replies(ws: Workspace, msg: Message) -> dict:
    replies = ws.replies(msg.channel, msg.ts)
    body = msg.to_api(replies=replies)
    if replies:
        body["thread_ts"] = msg.ts
    return body
