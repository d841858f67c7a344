"""Workspace state: one lock for everything, and a condition that wakes waiters on change.

Every mutation goes through `touch()` so `wait_for` and the console see it. Callers hold
`ws.lock` (an RLock) while they read or change records.
"""

from __future__ import annotations

import copy
import secrets
import string
import threading
import time
from dataclasses import dataclass

from sandbox.model import Call, Channel, File, Message, User, View

_ALNUM = string.ascii_uppercase + string.digits


@dataclass
class Trigger:
    user: str
    issued: float
    used: bool = False


@dataclass
class ResponseUrl:
    channel: str | None
    user: str
    created: float
    original_ts: str | None = None
    thread_ts: str | None = None
    uses: int = 0
    last_ts: str | None = None


class Workspace:
    """Users, channels, messages, views, files, calls, trigger ids and response URLs."""

    def __init__(self, *, team_id: str, bot_user: str, bot_id: str, app_id: str) -> None:
        self.team_id, self.bot_user, self.bot_id, self.app_id = team_id, bot_user, bot_id, app_id
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.version = 0
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = {}
        self.ephemerals: list[Message] = []
        self.views: dict[str, View] = {}
        self.stacks: dict[str, list[str]] = {}
        self.homes: dict[str, str] = {}
        # The app's manifest enables the Home tab (features.app_home.home_tab_enabled).
        self.home_tab_enabled = True
        self.functions: dict[str, dict] = {}  # the manifest's workflow steps
        self.unfurl_domains: list[str] = []  # the manifest's features.unfurl_domains
        # The bot token's OAuth scopes (sandbox.scopes); None: every call allowed.
        self.bot_scopes: frozenset[str] | None = None
        self.executions: dict = {}  # function_execution_id -> sandbox.functions.Execution
        self.files: dict[str, File] = {}
        self.calls: list[Call] = []
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.trigger_ttl = 3.0
        self.response_url_ttl = 1800.0
        self.response_url_max_uses = 5
        self.base_url = ""  # "http://host:port/", set when the server starts
        self._last_us = 0

    # -- bookkeeping ---------------------------------------------------------------------
    def touch(self, *records: Message | View) -> None:
        with self.lock:
            self.version += 1
            for record in records:
                record.rev = self.version
            self.changed.notify_all()

    def next_ts(self) -> str:
        """A unique, increasing message ts in Slack's "seconds.micros" form."""
        with self.lock:
            self._last_us = max(int(time.time() * 1_000_000), self._last_us + 100)
            return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    @staticmethod
    def new_id(prefix: str, n: int = 10) -> str:
        return prefix + "".join(secrets.choice(_ALNUM) for _ in range(n))

    # -- users and channels --------------------------------------------------------------
    def find_user(self, ref: str) -> User | None:
        ref = ref.lstrip("@")
        with self.lock:
            if ref in self.users:
                return self.users[ref]
            return next((u for u in self.users.values() if u.name.lower() == ref.lower()), None)

    def find_channel(self, ref: str) -> Channel | None:
        """By id, "#name" or name; a user id means the IM with the bot (Slack allows that)."""
        with self.lock:
            if ref in self.channels:
                return self.channels[ref]
            if ref in self.users:
                return self.open_im(ref)
            name = ref.lstrip("#")
            return next((c for c in self.channels.values() if c.name == name and not c.is_im),
                        None)

    def open_im(self, user_id: str) -> Channel:
        with self.lock:
            for chan in self.channels.values():
                if chan.is_im and chan.im_user == user_id:
                    return chan
            chan = Channel(id="D" + user_id.lstrip("UW"), name=f"im-{user_id}", is_private=True,
                           is_im=True, members=[user_id, self.bot_user], im_user=user_id)
            self.channels[chan.id] = chan
            self.messages.setdefault(chan.id, [])
            return chan

    # -- messages ------------------------------------------------------------------------
    def add_message(self, msg: Message) -> Message:
        with self.lock:
            if msg.is_ephemeral:
                self.ephemerals.append(msg)
            else:
                self.messages.setdefault(msg.channel, []).append(msg)
            self.touch(msg)
            return msg

    def find_message(self, channel: str, ts: str, *, ephemeral: bool = False) -> Message | None:
        with self.lock:
            pool = self.ephemerals if ephemeral else self.messages.get(channel, [])
            return next((m for m in pool if m.ts == ts and m.channel == channel), None)

    def find_any_message(self, ts: str) -> Message | None:
        with self.lock:
            for msgs in [*self.messages.values(), self.ephemerals]:
                for msg in msgs:
                    if msg.ts == ts:
                        return msg
            return None

    def top_level(self, channel: str, *, include_deleted: bool = False) -> list[Message]:
        with self.lock:
            return [m for m in self.messages.get(channel, [])
                    if (not m.is_reply or m.reply_broadcast) and (include_deleted or not m.deleted)]

    def replies(self, channel: str, ts: str, *, include_deleted: bool = False) -> list[Message]:
        with self.lock:
            return [m for m in self.messages.get(channel, [])
                    if m.is_reply and m.thread_ts == ts and (include_deleted or not m.deleted)]

    # -- trigger ids and response URLs ---------------------------------------------------
    def issue_trigger(self, user: str) -> str:
        with self.lock:
            tid = f"{int(time.time())}.{secrets.randbelow(10**9)}.{secrets.token_hex(8)}"
            self.triggers[tid] = Trigger(user=user, issued=time.monotonic())
            return tid

    def use_trigger(self, trigger_id: str | None) -> str | None:
        """None if the trigger may open a view now, else Slack's error code."""
        with self.lock:
            trig = self.triggers.get(trigger_id or "")
            if trig is None:
                return "invalid_trigger_id"
            if trig.used:
                return "exchanged_trigger_id"
            if time.monotonic() - trig.issued > self.trigger_ttl:
                return "expired_trigger_id"
            trig.used = True
            return None

    def issue_response_url(self, *, channel: str | None, user: str,
                           original_ts: str | None = None, thread_ts: str | None = None) -> str:
        with self.lock:
            rid = secrets.token_hex(12)
            self.response_urls[rid] = ResponseUrl(channel=channel, user=user,
                                                  created=time.monotonic(),
                                                  original_ts=original_ts, thread_ts=thread_ts)
            return rid

    # -- views ---------------------------------------------------------------------------
    def stack(self, user: str) -> list[View]:
        with self.lock:
            return [self.views[v] for v in self.stacks.get(user, [])]

    def close_view(self, view: View) -> None:
        with self.lock:
            view.is_open = False
            ids = self.stacks.get(view.user, [])
            if view.id in ids:
                ids.remove(view.id)
            self.touch(view)

    def clear_stack(self, user: str) -> None:
        with self.lock:
            for view in self.stack(user):
                view.is_open = False
                self.touch(view)
            self.stacks[user] = []

    def view_by_external_id(self, external_id: str) -> View | None:
        with self.lock:
            return next((v for v in self.views.values()
                         if v.external_id == external_id and v.is_open), None)

    def record_call(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)
            self.changed.notify_all()

    def snapshot_blocks(self, blocks: list | None) -> list:
        """A private copy of blocks with a block_id on every block, as Slack assigns one."""
        out = copy.deepcopy(blocks or [])
        for block in out:
            if isinstance(block, dict) and "block_id" not in block:
                block["block_id"] = self.new_id("", 5)
        return out
