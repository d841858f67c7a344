"""Calls raced against each other, as several people or processes would make them."""

from __future__ import annotations

import threading
from collections.abc import Callable


def at_once(*calls: Callable[[], object], timeout: float = 60) -> list:
    """Run each call on its own thread, all released at the same moment; what each returned,
    or the exception it raised, in the order of the calls."""
    start, outcomes = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        start.wait()
        try:
            outcomes[i] = call()
        except Exception as error:  # returned: the test must see any failure
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return outcomes
