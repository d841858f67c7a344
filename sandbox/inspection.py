"""Reading the sandbox's state from tests and the console, and waiting for async app work.

Mixed into SlackSandbox, which provides `self.ws` and `self.player`.
"""

from __future__ import annotations

import inspect
import time
from typing import Callable

from sandbox.locate import resolve_channel
from sandbox.model import Call, File, Message, View
from sandbox.player import Player
from sandbox.state import Workspace


class Inspection:
    ws: Workspace
    player: Player

    def messages(self, channel: str, *, include_deleted: bool = False) -> list[Message]:
        """Top-level messages (and thread broadcasts), oldest first."""
        return self.ws.top_level(resolve_channel(self.ws, channel).id,
                                 include_deleted=include_deleted)

    def thread(self, channel: str, ts: str) -> list[Message]:
        """The replies in the thread of `ts`, oldest first (the parent is not included)."""
        return self.ws.replies(resolve_channel(self.ws, channel).id, ts)

    def last_message(self, channel: str) -> Message | None:
        msgs = self.messages(channel)
        return msgs[-1] if msgs else None

    def ephemerals(self, user: str | None = None, channel: str | None = None) -> list[Message]:
        chan_id = resolve_channel(self.ws, channel).id if channel else None
        with self.ws.lock:
            return [m for m in self.ws.ephemerals if not m.deleted
                    and (user is None or m.recipient == user)
                    and (chan_id is None or m.channel == chan_id)]

    def views(self, user: str | None = None) -> list[View]:
        """Open modals in stack order (bottom first); all users' if user is None."""
        with self.ws.lock:
            users = [user] if user else list(self.ws.stacks)
            return [v for u in users for v in self.ws.stack(u)]

    def view(self, view_id: str) -> View:
        with self.ws.lock:
            if view_id not in self.ws.views:
                raise KeyError(f"no view {view_id!r} (known: {sorted(self.ws.views)})")
            return self.ws.views[view_id]

    def home(self, user: str) -> View | None:
        with self.ws.lock:
            return self.ws.views.get(self.ws.homes.get(user, ""))

    def files(self, channel: str | None = None) -> list[File]:
        chan_id = resolve_channel(self.ws, channel).id if channel else None
        with self.ws.lock:
            return [f for f in self.ws.files.values() if f.data is not None
                    and (chan_id is None or chan_id in f.channels)]

    def calls(self, method: str | None = None) -> list[Call]:
        with self.ws.lock:
            return [c for c in self.ws.calls if method is None or c.method == method]

    def reset_calls(self) -> None:
        with self.ws.lock:
            self.ws.calls.clear()

    @property
    def version(self) -> int:
        """Bumped on every change; pair with changed_since() to see what is new."""
        return self.ws.version

    def changed_since(self, version: int) -> dict[str, list]:
        """Messages, ephemerals and views created or changed after `version`."""
        with self.ws.lock:
            msgs = [m for ms in self.ws.messages.values() for m in ms if m.rev > version]
            return {"messages": sorted(msgs, key=lambda m: float(m.ts)),
                    "ephemerals": [m for m in self.ws.ephemerals if m.rev > version],
                    "views": [v for v in self.ws.views.values() if v.rev > version]}

    def wait_for_change(self, since: int, timeout: float) -> bool:
        """True as soon as the version moves past `since`; False after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.ws.changed:
            while self.ws.version == since:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.ws.changed.wait(remaining)
            return True

    def wait_for(self, predicate: Callable[[], object], timeout: float = 5.0, *,
                 message: str | None = None) -> bool:
        """Wait until predicate() is truthy; it is re-checked whenever the sandbox changes.

        An exception in the predicate counts as "not yet" (so `sb.last_message(c).text`
        works before any message exists). On timeout: AssertionError saying what was seen.
        """
        deadline = time.monotonic() + timeout
        last_exc: Exception | None = None
        while True:
            seen = self.ws.version
            try:
                if predicate():
                    return True
            except Exception as exc:  # noqa: BLE001 - "not yet", reported on timeout
                last_exc = exc
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(self._timeout_report(predicate, timeout, last_exc, message))
            with self.ws.changed:
                if self.ws.version == seen:
                    self.ws.changed.wait(min(remaining, 0.05))

    def _timeout_report(self, predicate: Callable, timeout: float, exc: Exception | None,
                        message: str | None) -> str:
        try:
            what = inspect.getsource(predicate).strip()
        except (OSError, TypeError):
            what = repr(predicate)
        lines = [f"wait_for timed out after {timeout}s: {message or what}"]
        if exc is not None:
            lines.append(f"  last predicate error: {type(exc).__name__}: {exc}")
        with self.ws.lock:
            calls = self.ws.calls[-8:]
            recent = sorted((m for ms in self.ws.messages.values() for m in ms),
                            key=lambda m: float(m.ts))[-5:]
            ephemerals = self.ws.ephemerals[-3:]
        lines.append("  last API calls: " + (", ".join(
            f"{c.method}({'ok' if c.ok else c.error})" for c in calls) or "none"))
        for m in [*recent, *ephemerals]:
            kind = "ephemeral" if m.is_ephemeral else "message"
            lines.append(f"  {kind} {m.channel} {m.ts} by {m.user}: {m.text[:80]!r}")
        problems = [a for a in self.player.acks[-5:] if a.status != 200]
        lines += [f"  app answered {a.kind} {a.name} with HTTP {a.status}" for a in problems]
        return "\n".join(lines)
