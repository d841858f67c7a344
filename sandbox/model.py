"""The sandbox's records: users, channels, messages, views, files and recorded API calls.

Records are mutable and shared with tests on purpose: a Message a test holds shows later
edits (`edited`, `deleted`, new `blocks`). `rev` is the workspace version of the last change,
which the console uses to print only what changed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    id: str
    name: str
    is_bot: bool = False
    is_admin: bool = False
    tz: str = "UTC"
    bot_id: str | None = None
    email: str | None = None
    # Guests and people of other organisations (Slack Connect), as users.info tells them:
    # a multi-channel guest is_restricted, a single-channel one also is_ultra_restricted; a
    # user of another organisation has its team_id, and is_stranger when no channel is shared.
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    is_stranger: bool = False
    team_id: str | None = None  # None: the workspace's own
    locale: str = "en-US"  # IETF tag as Slack gives it; users.info tells it on include_locale
    # Deactivated: Slack still describes them (users.info, users.list) with deleted true.
    deleted: bool = False

    def to_api(self, team_id: str, *, include_locale: bool = False) -> dict:
        profile = {"display_name": self.name, "real_name": self.name.title(),
                   "email": self.email or f"{self.name}@orderdesk.example"}
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        user = {"id": self.id, "team_id": self.team_id or team_id, "name": self.name,
                "real_name": self.name.title(), "deleted": self.deleted, "is_bot": self.is_bot,
                "is_admin": self.is_admin, "is_owner": False, "tz": self.tz,
                "tz_offset": 0, "is_app_user": False, "profile": profile,
                "is_restricted": self.is_restricted,
                "is_ultra_restricted": self.is_ultra_restricted}
        if self.is_stranger:
            user["is_stranger"] = True
        if include_locale:  # as Slack: the field is absent unless asked for
            user["locale"] = self.locale
        return user


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    members: list[str] = field(default_factory=list)
    im_user: str | None = None
    is_ext_shared: bool = False  # Slack Connect: shared with another organisation

    def to_api(self, *, bot_user: str) -> dict:
        if self.is_im:
            return {"id": self.id, "is_im": True, "is_channel": False, "is_private": True,
                    "user": self.im_user, "is_open": True, "created": 1700000000}
        return {"id": self.id, "name": self.name, "is_channel": not self.is_private,
                "is_group": self.is_private, "is_im": False, "is_mpim": False,
                "is_private": self.is_private, "is_archived": False, "created": 1700000000,
                "is_member": bot_user in self.members, "num_members": len(self.members),
                "is_shared": self.is_ext_shared, "is_ext_shared": self.is_ext_shared,
                "is_org_shared": False, "is_pending_ext_shared": False}


@dataclass
class Message:
    channel: str
    ts: str
    user: str | None
    text: str = ""
    blocks: list = field(default_factory=list)
    thread_ts: str | None = None
    is_ephemeral: bool = False
    edited: bool = False
    deleted: bool = False
    files: list = field(default_factory=list)
    metadata: dict | None = None
    bot_id: str | None = None
    attachments: list = field(default_factory=list)
    reply_broadcast: bool = False
    recipient: str | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)
    unfurls: dict[str, dict] = field(default_factory=dict)  # url -> attachment (chat.unfurl)
    links: list[str] = field(default_factory=list)  # urls link_shared told the app about
    rev: int = 0

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(self, *, replies: list[Message] | None = None) -> dict:
        """The message as Slack's Web API and interaction payloads show it."""
        msg: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text}
        if self.user:
            msg["user"] = self.user
        if self.bot_id:
            msg["bot_id"] = self.bot_id
        if self.blocks:
            msg["blocks"] = copy.deepcopy(self.blocks)
        if self.attachments:
            msg["attachments"] = copy.deepcopy(self.attachments)
        if self.thread_ts:
            msg["thread_ts"] = self.thread_ts
        if replies:
            msg["reply_count"] = len(replies)
            msg["latest_reply"] = replies[-1].ts
        if self.edited:
            msg["edited"] = {"user": self.user, "ts": self.ts}
        if self.files:
            msg["files"] = copy.deepcopy(self.files)
        if self.metadata:
            msg["metadata"] = copy.deepcopy(self.metadata)
        if self.reactions:
            msg["reactions"] = [{"name": name, "users": list(users), "count": len(users)}
                                for name, users in self.reactions.items()]
        return msg


@dataclass
class View:
    id: str
    user: str
    type: str
    blocks: list
    hash: str
    title: dict | None = None
    submit: dict | None = None
    close: dict | None = None
    callback_id: str = ""
    private_metadata: str = ""
    external_id: str = ""
    notify_on_close: bool = False
    clear_on_close: bool = False
    state: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    root_view_id: str | None = None
    previous_view_id: str | None = None
    is_open: bool = True
    rev: int = 0
    # The last view_submission sent for it, as sent: what a second press of Submit (or Slack
    # re-sending after a late ack) delivers again.
    last_submission: dict | None = None

    def to_api(self, *, team_id: str, app_id: str, bot_id: str) -> dict:
        view: dict[str, Any] = {
            "id": self.id, "team_id": team_id, "type": self.type,
            "blocks": copy.deepcopy(self.blocks), "private_metadata": self.private_metadata,
            "callback_id": self.callback_id, "state": {"values": copy.deepcopy(self.state)},
            "hash": self.hash, "title": self.title, "clear_on_close": self.clear_on_close,
            "notify_on_close": self.notify_on_close, "close": self.close, "submit": self.submit,
            "previous_view_id": self.previous_view_id, "root_view_id": self.root_view_id or self.id,
            "app_id": app_id, "external_id": self.external_id, "app_installed_team_id": team_id,
            "bot_id": bot_id}
        return view


@dataclass
class File:
    id: str
    name: str
    title: str
    data: bytes | None = None
    length: int = 0
    channels: list[str] = field(default_factory=list)
    user: str | None = None
    alt_txt: str | None = None

    def to_api(self, base_url: str) -> dict:
        return {"id": self.id, "name": self.name, "title": self.title,
                "size": len(self.data or b""), "user": self.user, "channels": list(self.channels),
                "mimetype": "application/octet-stream", "is_external": False,
                "url_private": f"{base_url}files/{self.id}/{self.name}"}


@dataclass
class Call:
    """One Web API request the app made, as the sandbox answered it."""

    method: str
    params: dict
    ok: bool
    error: str | None = None
    status: int = 200
    response: dict | None = None


@dataclass
class Delivery:
    """One signed request the sandbox sent to the app, and how the app answered."""

    kind: str
    status: int
    body: Any
    ack_ms: float
    request_headers: dict
    payload: dict | None = None
    sent: bool = True
    problems: list[str] = field(default_factory=list)
    execution_id: str | None = None  # run_function: the workflow step's run
    message: Message | None = None  # paste: the message posted

    @property
    def late(self) -> bool:
        return self.ack_ms > 3000


@dataclass(frozen=True)
class Ack:
    """How fast the app acknowledged one request (kept in sb.acks for reporting)."""

    kind: str
    name: str
    status: int
    ack_ms: float
