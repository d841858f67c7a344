"""The progress bar of long work: drawn once, at its final width, ending its line."""

import io

from bot.progress import progress_bar


def test_the_bar_is_one_line_that_ends_at_100_percent():
    out = io.StringIO()
    with progress_bar("seed", unit="orders", total=50, file=out) as progress:
        for done in (10, 30, 50):
            progress(done, 50)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.rstrip("\n").rsplit("\r", 1)[-1].startswith("seed: 100%")
