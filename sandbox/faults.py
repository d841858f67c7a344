"""Injected Web API failures: rate limits (HTTP 429 + Retry-After), 5xx, slow answers.

    sb.faults.add(method="chat.postMessage", status=429, retry_after=1, times=3)
    sb.faults.add(method="*", status=503, until=time.monotonic() + 2)
    sb.faults.add(method="views.open", delay_ms=3500)       # slow, then answered normally
    sb.faults.add(method="chat.update", error="message_not_found")   # HTTP 200, ok: false

Method names are Web API names; the upload URL is "files.upload" and response URLs are
"response_url". Faults are matched in the order they were added.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class Fault:
    method: str = "*"
    status: int | None = None
    retry_after: int = 1
    times: int | None = 1
    until: float | None = None
    delay_ms: float = 0.0
    error: str | None = None
    hits: int = 0

    def matches(self, method: str) -> bool:
        return self.method in ("*", method)

    def spent(self, now: float) -> bool:
        if self.until is not None:
            return now >= self.until
        return self.times is not None and self.hits >= self.times


class Faults:
    """Thread-safe list of faults; `take(method)` consumes one use of the first match."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, method: str = "*", *, status: int | None = None, retry_after: int = 1,
            times: int | None = None, until: float | None = None, delay_ms: float = 0.0,
            error: str | None = None) -> Fault:
        """Fail the next `times` calls (default 1), or every call until the monotonic `until`."""
        if status is None and error is None and not delay_ms:
            raise ValueError("a fault needs status=..., error=... or delay_ms=...")
        if times is None and until is None:
            times = 1
        fault = Fault(method=method, status=status, retry_after=retry_after, times=times,
                      until=until, delay_ms=delay_ms, error=error)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str) -> Fault | None:
        now = time.monotonic()
        with self._lock:
            self._faults = [f for f in self._faults if not f.spent(now)]
            for fault in self._faults:
                if fault.matches(method):
                    fault.hits += 1
                    return fault
        return None

    def __len__(self) -> int:
        now = time.monotonic()
        with self._lock:
            return sum(1 for f in self._faults if not f.spent(now))
