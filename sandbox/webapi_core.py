"""Shared pieces of the Web API implementation: the method registry, errors and params.

A method is `fn(ws, params) -> dict` registered with `@method("chat.postMessage")`; it runs
with the workspace lock held, returns the success body without "ok", and raises ApiError
for Slack's `{"ok": false, "error": ...}` answers.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from sandbox.model import Channel
from sandbox.state import Workspace

Method = Callable[[Workspace, dict], dict]
METHODS: dict[str, Method] = {}
JSON_PARAMS = ("blocks", "attachments", "view", "metadata", "files", "user_ids", "outputs",
               "unfurls")


class ApiError(Exception):
    """Slack's `{"ok": false, "error": code, ...extra}`."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def body(self) -> dict:
        return {"ok": False, "error": self.error, **self.extra}


def invalid(error: str, errors: list[str]) -> ApiError:
    """invalid_blocks / invalid_arguments with the messages Slack puts in two places."""
    return ApiError(error, errors=errors,
                    response_metadata={"messages": [f"[ERROR] {e}" for e in errors]})


def method(name: str) -> Callable[[Method], Method]:
    def register(fn: Method) -> Method:
        METHODS[name] = fn
        return fn
    return register


def decode_json_params(params: dict) -> dict:
    """Form posts carry blocks/view/... as JSON strings; JSON posts carry them as objects."""
    out = dict(params)
    for key in JSON_PARAMS:
        if isinstance(out.get(key), str) and out[key][:1] in ("[", "{"):
            try:
                out[key] = json.loads(out[key])
            except ValueError:
                pass  # left as a string: the method answers with its *_format error
    return out


def flag(params: dict, key: str) -> bool:
    return str(params.get(key, "")).lower() in ("1", "true", "yes")


def required(params: dict, key: str, error: str = "invalid_arguments") -> str:
    value = params.get(key)
    if value in (None, ""):
        raise ApiError(error, errors=[f"{key} is required"]) if error == "invalid_arguments" \
            else ApiError(error)
    return str(value)


def channel_param(ws: Workspace, params: dict, key: str = "channel", *,
                  need_member: bool = True) -> Channel:
    """The channel the bot may use: private (a DM between people included) and not a member
    reads as channel_not_found."""
    chan = ws.find_channel(str(params.get(key) or ""))
    if chan is None:
        raise ApiError("channel_not_found")
    if ws.bot_user not in chan.members:
        if chan.is_private or chan.is_im:
            raise ApiError("channel_not_found")
        if need_member:
            raise ApiError("not_in_channel")
    return chan


def int_param(params: dict, key: str, default: int) -> int:
    try:
        return int(params.get(key) or default)
    except ValueError as exc:
        raise ApiError("invalid_arguments", errors=[f"{key} must be an integer"]) from exc
