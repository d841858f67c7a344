"""OAuth scopes: each Web API method needs one, as Slack checks it, and a token without it is
refused with `missing_scope`, `needed` and `provided`. The bot token's scopes default to the
manifest's `oauth_config.scopes.bot`, so a feature calling a method the manifest does not allow
fails its tests, as it would fail in a real workspace."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox.state import Workspace
from sandbox.webapi_core import ApiError

MANIFEST = Path(__file__).resolve().parents[1] / "manifest.json"

# Methods needing one scope whatever they touch (none listed: no scope, e.g. auth.test, views.*).
FIXED = {
    "chat.postMessage": "chat:write", "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write", "chat.delete": "chat:write", "chat.unfurl": "links:write",
    "users.info": "users:read", "users.list": "users:read",
    "reactions.add": "reactions:write", "reactions.remove": "reactions:write",
    "files.getUploadURLExternal": "files:write", "files.completeUploadExternal": "files:write",
    "files.info": "files:read",
}
# Methods whose scope depends on the kind of conversation: public, private, DM.
BY_KIND = {
    "conversations.info": ("channels:read", "groups:read", "im:read"),
    "conversations.members": ("channels:read", "groups:read", "im:read"),
    "conversations.history": ("channels:history", "groups:history", "im:history"),
    "conversations.replies": ("channels:history", "groups:history", "im:history"),
}


def manifest_bot_scopes() -> frozenset[str] | None:
    """The manifest's bot scopes; None (nothing checked) where there is no manifest."""
    if not MANIFEST.exists():
        return None
    manifest = json.loads(MANIFEST.read_text())
    return frozenset(manifest.get("oauth_config", {}).get("scopes", {}).get("bot", []))


def needed(ws: Workspace, name: str, params: dict) -> str | None:
    if name in FIXED:
        return FIXED[name]
    if name == "conversations.open":
        users = [u for u in str(params.get("users") or "").split(",") if u]
        return "mpim:write" if len(users) > 1 else "im:write"
    if name == "conversations.list":
        return "channels:read"
    if name in BY_KIND:
        chan = ws.find_channel(str(params.get("channel") or ""))
        if chan is None:
            return None  # the method answers channel_not_found itself
        public, private, im = BY_KIND[name]
        return im if chan.is_im else private if chan.is_private else public
    return None


def check(ws: Workspace, name: str, params: dict) -> None:
    """Refuse the call as Slack does when the token lacks the method's scope."""
    if ws.bot_scopes is None:
        return
    scope = needed(ws, name, params)
    if scope is not None and scope not in ws.bot_scopes:
        raise ApiError("missing_scope", needed=scope, provided=",".join(sorted(ws.bot_scopes)))
