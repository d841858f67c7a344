"""Progress for long work (imports, seeding): a tqdm bar on a terminal, quiet otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(description: str, *, unit: str) -> Iterator[Callable[[int, int], None]]:
    """Yields a `progress(done, total)` callback for store operations that know nothing of tqdm."""
    # disable=None: tqdm shows the bar only when stderr is a terminal.
    with tqdm(desc=description, unit=unit, unit_scale=True, disable=None, leave=True) as bar:
        def progress(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        yield progress
