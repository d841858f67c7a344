"""Progress for long work (imports, seeding): a tqdm bar on a terminal, quiet otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm


@contextmanager
def progress_bar(description: str, *, unit: str, total: int | None = None,
                 file: TextIO | None = None) -> Iterator[Callable[[int, int], None]]:
    """Yields a `progress(done, total)` callback for store operations that know nothing of tqdm.
    `total` when known up front (the bar is drawn at its final width from the start);
    `file`: where to draw it (always), else stderr when it is a terminal."""
    # disable=None: tqdm shows the bar only when stderr is a terminal.
    with tqdm(desc=description, unit=unit, unit_scale=True, total=total, file=file,
              disable=False if file is not None else None, leave=True) as bar:
        def progress(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        yield progress
