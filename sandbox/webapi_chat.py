"""chat.* methods, and the response_url / slash-ack rules for showing a message payload."""

from __future__ import annotations

import time

from sandbox.blockkit import validate_message_blocks
from sandbox.model import Message
from sandbox.state import ResponseUrl, Workspace
from sandbox.webapi_core import ApiError, channel_param, flag, invalid, method, required

MAX_TEXT = 40_000
PERMALINK_BASE = "https://orderdesk-sandbox.slack.com/archives"


def message_content(ws: Workspace, params: dict, *, need_content: bool = True) -> dict:
    """text/blocks/attachments/metadata of a message payload, validated like Slack."""
    content: dict = {}
    if "text" in params:
        content["text"] = str(params.get("text") or "")
        if len(content["text"]) > MAX_TEXT:
            raise ApiError("msg_too_long")
    if params.get("blocks") is not None:
        blocks = params["blocks"]
        if isinstance(blocks, str):
            raise ApiError("invalid_blocks_format")
        errors = validate_message_blocks(blocks)
        if errors:
            raise invalid("invalid_blocks", errors)
        content["blocks"] = ws.snapshot_blocks(blocks)
    if params.get("attachments") is not None:
        if not isinstance(params["attachments"], list):
            raise ApiError("invalid_attachments")
        content["attachments"] = params["attachments"]
    if isinstance(params.get("metadata"), dict):
        content["metadata"] = params["metadata"]
    if need_content and not (content.get("text") or content.get("blocks")
                             or content.get("attachments")):
        raise ApiError("no_text")
    return content


def thread_root(ws: Workspace, channel: str, thread_ts: str | None) -> str | None:
    """A reply to a reply lands in the parent's thread, as in Slack."""
    if not thread_ts:
        return None
    parent = ws.find_message(channel, thread_ts)
    return parent.thread_ts if parent is not None and parent.is_reply else thread_ts


def bot_message(ws: Workspace, channel: str, content: dict, *, thread_ts: str | None = None,
                broadcast: bool = False) -> Message:
    msg = Message(channel=channel, ts=ws.next_ts(), user=ws.bot_user, bot_id=ws.bot_id,
                  text=content.get("text", ""), blocks=content.get("blocks", []),
                  attachments=content.get("attachments", []), metadata=content.get("metadata"),
                  thread_ts=thread_root(ws, channel, thread_ts), reply_broadcast=broadcast)
    return ws.add_message(msg)


def ephemeral_message(ws: Workspace, channel: str, user: str, content: dict,
                      thread_ts: str | None = None) -> Message:
    msg = Message(channel=channel, ts=ws.next_ts(), user=ws.bot_user, bot_id=ws.bot_id,
                  text=content.get("text", ""), blocks=content.get("blocks", []),
                  attachments=content.get("attachments", []), thread_ts=thread_ts,
                  is_ephemeral=True, recipient=user)
    return ws.add_message(msg)


def _own_message(ws: Workspace, params: dict, ts_key: str, not_own: str) -> Message:
    chan = channel_param(ws, params, need_member=False)
    msg = ws.find_message(chan.id, required(params, ts_key, "message_not_found"))
    if msg is None or msg.deleted:
        raise ApiError("message_not_found")
    if not_own and msg.user != ws.bot_user:
        raise ApiError(not_own)
    return msg


@method("chat.postMessage")
def post_message(ws: Workspace, params: dict) -> dict:
    chan = channel_param(ws, params)
    content = message_content(ws, params)
    msg = bot_message(ws, chan.id, content, thread_ts=params.get("thread_ts") or None,
                      broadcast=flag(params, "reply_broadcast"))
    return {"channel": chan.id, "ts": msg.ts, "message": msg.to_api()}


@method("chat.update")
def update_message(ws: Workspace, params: dict) -> dict:
    msg = _own_message(ws, params, "ts", "cant_update_message")
    content = message_content(ws, params)
    for key, value in content.items():
        setattr(msg, key, value)
    msg.edited = True
    ws.touch(msg)
    return {"channel": msg.channel, "ts": msg.ts, "text": msg.text, "message": msg.to_api()}


@method("chat.postEphemeral")
def post_ephemeral(ws: Workspace, params: dict) -> dict:
    chan = channel_param(ws, params)
    user = required(params, "user", "user_not_found")
    if user not in ws.users:
        raise ApiError("user_not_found")
    if user not in chan.members:
        raise ApiError("user_not_in_channel")
    msg = ephemeral_message(ws, chan.id, user, message_content(ws, params),
                            thread_ts=params.get("thread_ts") or None)
    return {"message_ts": msg.ts}


@method("chat.delete")
def delete_message(ws: Workspace, params: dict) -> dict:
    msg = _own_message(ws, params, "ts", "cant_delete_message")
    msg.deleted = True
    ws.touch(msg)
    return {"channel": msg.channel, "ts": msg.ts}


@method("chat.getPermalink")
def get_permalink(ws: Workspace, params: dict) -> dict:
    msg = _own_message(ws, params, "message_ts", "")
    link = f"{PERMALINK_BASE}/{msg.channel}/p{msg.ts.replace('.', '')}"
    if msg.is_reply:
        link += f"?thread_ts={msg.thread_ts}&cid={msg.channel}"
    return {"channel": msg.channel, "permalink": link}


def show_response(ws: Workspace, resp: ResponseUrl, payload: dict) -> tuple[int, str]:
    """Apply a response_url / slash-ack payload the way Slack shows it: (HTTP status, body)."""
    target = resp.original_ts or resp.last_ts
    if flag(payload, "delete_original"):
        original = ws.find_any_message(target) if target else None
        if original is not None:
            original.deleted = True
            ws.touch(original)
        return 200, "ok"
    try:
        content = message_content(ws, payload)
    except ApiError as exc:
        return 400, exc.error
    if flag(payload, "replace_original") and target:
        original = ws.find_any_message(target)
        if original is not None and not original.deleted:
            # Unlike chat.update, a replacement is a whole new message: no old blocks stay.
            original.text = content.get("text", "")
            original.blocks = content.get("blocks", [])
            original.attachments = content.get("attachments", [])
            ws.touch(original)
            return 200, "ok"
    if resp.channel is None:
        return 404, "channel_not_found"
    thread_ts = payload.get("thread_ts") or resp.thread_ts
    if payload.get("response_type") == "in_channel":
        msg = bot_message(ws, resp.channel, content, thread_ts=thread_ts)
    else:
        msg = ephemeral_message(ws, resp.channel, resp.user, content, thread_ts=thread_ts)
    resp.last_ts = msg.ts
    return 200, "ok"


def use_response_url(ws: Workspace, rid: str, payload: dict) -> tuple[int, str]:
    """POST /response/<id>: at most 5 uses within 30 minutes, like Slack."""
    with ws.lock:
        resp = ws.response_urls.get(rid)
        if resp is None:
            return 404, "no_service"
        if time.monotonic() - resp.created > ws.response_url_ttl:
            return 404, "expired_url"
        if resp.uses >= ws.response_url_max_uses:
            return 404, "used_url"
        resp.uses += 1
        return show_response(ws, resp, payload)
