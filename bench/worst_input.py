"""Worst inputs: what the longest token, question and body cost, in time and extra memory.

    .venv/bin/python bench/worst_input.py [--orders 2000] [--chars 10000]

Each case is one input a person (any role) or a stranger can send: a `/order` lookup, a
question in a DM, a POST body. For each it prints the wall time of the store operation
(lookup work: classifying, probing and fuzzy matching, SQLite on the shared bench dataset;
for a body, the WSGI app's answer) and the peak extra memory tracemalloc saw during it.
Budget (issue #14): any single command or question of up to 10,000 characters in <= 50 ms
and <= 10 MB extra. `--chars` scales the long cases down (the code before the fix needed
gigabytes at 10,000).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import io
import random
import statistics
import string
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dataset import seeded  # noqa: E402
from store import clock  # noqa: E402
from store.db import Database  # noqa: E402
from store.enums import Role  # noqa: E402
from store.errors import OrderdeskError  # noqa: E402
from store.lookup import MAX_QUERY_CHARS, find_orders, snapshot  # noqa: E402
from store.questions import ThreadRef, answer_question  # noqa: E402

BUDGET_MS, BUDGET_MB = 50.0, 10.0


def texts(chars: int) -> dict[str, str]:
    """The worst texts found, by what they make the lookup do: each long case at the longest
    length accepted (MAX_QUERY_CHARS) and at `chars`."""
    rng = random.Random(14)
    alnum = string.ascii_uppercase + string.digits
    out = {
        "one 40-char code token (longest fuzzy)": "A1" + "".join(rng.choices(alnum, k=38)),
        "one 40-char token, 30 distinct symbols": "A1" + "".join(
            rng.sample("!$%&*+<=>?@^_~|éèêëàâäôöûüç€£¥§¶", 30)) + "ZZZZZZZZ",
        "one 22-digit number (tracking-shaped)": "".join(rng.choices(string.digits, k=22)),
    }
    for n in sorted({min(MAX_QUERY_CHARS, chars), chars}):
        out |= {
            f"one {n:,}-char code token": "A1" + "".join(rng.choices(alnum, k=n - 2)),
            f"one {n:,}-digit number": "".join(rng.choices(string.digits, k=n)),
            f"one {n:,}-char unicode token": "".join(rng.choices("é€中ß9ǅ", k=n)),
            f"{n:,} chars of short numbers": _filled(n, lambda: str(rng.randint(100, 99999))),
            f"{n:,} chars of short codes": _filled(n, lambda: f"A{rng.randint(100, 999)}"),
            f"{n:,} chars of refs and POs": _filled(n, lambda: rng.choice(
                (f"SO-{rng.randint(1, 99999)}", f"PO-{rng.randint(1, 99999)}"))),
            f"{n:,} chars of name words": _filled(n, lambda: rng.choice(
                ("acme", "widgets", "corp", "jones", "group", "north", "blue", "and", "of"))),
            f"{n:,} chars of random words": _filled(n, lambda: "".join(
                rng.choices(string.ascii_lowercase, k=rng.randint(4, 9)))),
            f"{n:,} chars of one letter": "a" * n,
        }
    return out


def _filled(n: int, word: Callable[[], str]) -> str:
    """Words from `word()`, space-separated, up to exactly n characters."""
    out: list[str] = []
    length = -1
    while length < n:
        out.append(word())
        length += len(out[-1]) + 1
    return " ".join(out)[:n]


def measure(call: Callable[[], object]) -> tuple[float, float, str]:
    """(ms, peak extra MB, outcome) of one call: the median of three untraced runs after a
    warm-up (tracemalloc slows Python several-fold), then the peak of one traced run."""
    times = []
    for _ in range(4):
        started = time.perf_counter()
        outcome = _outcome(call)
        times.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    _outcome(call)
    peak = (tracemalloc.get_traced_memory()[1] - base) / 2**20
    tracemalloc.stop()
    return statistics.median(times[1:]), peak, outcome


def _outcome(call: Callable[[], object]) -> str:
    try:
        result = call()
        return result if isinstance(result, str) else type(result).__name__
    except OrderdeskError as err:
        return f"refused: {err.message[:40]}"


def lookups(db: Database, chars: int) -> list[tuple[str, float, float, str]]:
    rows = []
    for label, text in texts(chars).items():
        ms, mb, outcome = measure(lambda t=text: find_orders(db, query=t))
        rows.append((f"/order {label}", ms, mb, outcome))
        question = ("where is " + text)[:max(len(text), 20)]
        ms, mb, outcome = measure(lambda q=question: answer_question(
            db, text=q, user_id="U0SALES1", role=Role.SALES, policy="status", now=clock.now(),
            thread=ThreadRef("D0SALES1", "1.0"), addressed=True))
        rows.append((f"question: {label}", ms, mb, outcome))
    return rows


class _Zeros:
    """A request body of `size` bytes that exists only as it is read (no test harness copy)."""

    def __init__(self, size: int):
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        self.left -= n
        return b"0" * n


def _wsgi_app(db: Database):
    from bot.app import create_app
    from bot.config import Settings
    from bot.web import create_wsgi_app
    from jobs.renderers import renderer_table

    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-bench",
                                  "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                                  "ORDERDESK_INTAKE_SECRET": INTAKE_SECRET})
    return create_wsgi_app(create_app(settings, db=db), db,
                           renderers=renderer_table(settings.audience),
                           signing_secret=SIGNING_SECRET, intake_secret=INTAKE_SECRET)


SIGNING_SECRET, INTAKE_SECRET = "bench-signing", "bench-intake"
FORM, JSON = "application/x-www-form-urlencoded", "application/json"


def body_cases() -> dict[str, tuple[str, Callable[[], dict]]]:
    """label -> (path, a fresh WSGI environ): the largest and most awkward bodies."""
    deep = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    signed_deep = b'{"order_ref":' * 900 + b"1" + b"}" * 900
    huge_int = b'{"order_ref": ' + b"9" * 5_000 + b"}"

    def env(path: str, body, content_type: str, length: int | None, headers=None) -> dict:
        environ = {"PATH_INFO": path, "REQUEST_METHOD": "POST", "CONTENT_TYPE": content_type,
                   "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": "", "wsgi.input_terminated": True,
                   "wsgi.input": body if not isinstance(body, bytes) else io.BytesIO(body)}
        if length is not None:
            environ["CONTENT_LENGTH"] = str(length)
        return environ | (headers or {})

    def intake_signed(data: bytes) -> dict:
        return {"HTTP_X_ORDERDESK_SIGNATURE": hmac.new(INTAKE_SECRET.encode(), data,
                                                       hashlib.sha256).hexdigest()}

    mb300 = 300_000_000
    return {
        "/slack/events unsigned, 300 MB": lambda: env(
            "/slack/events", _Zeros(mb300), FORM, mb300),
        "/slack/events unsigned, 300 MB chunked": lambda: env(
            "/slack/events", _Zeros(mb300), FORM, None),
        "/slack/events unsigned, JSON 50,000 deep": lambda: env(
            "/slack/events", deep, JSON, len(deep)),
        "/intake/orders unsigned, 300 MB": lambda: env(
            "/intake/orders", _Zeros(mb300), JSON, mb300),
        "/intake/orders signed, JSON 900 deep": lambda: env(
            "/intake/orders", signed_deep, JSON, len(signed_deep), intake_signed(signed_deep)),
        "/intake/orders signed, a 5,000-digit integer": lambda: env(
            "/intake/orders", huge_int, JSON, len(huge_int), intake_signed(huge_int)),
    }


def bodies(db: Database) -> list[tuple[str, float, float, str]]:
    app = _wsgi_app(db)
    rows = []
    for label, make in body_cases().items():
        def call(make=make):
            seen = {}
            try:
                b"".join(app(make(), lambda status, headers: seen.update(status=status)))
            except Exception as err:  # what the code before the fix did with some of them
                return f"raised {type(err).__name__}"
            return seen["status"]
        ms, mb, outcome = measure(call)
        rows.append((label, ms, mb, outcome))
    return rows


def report(rows: list[tuple[str, float, float, str]]) -> int:
    over = 0
    print(f"  {'input':<56}{'ms':>9}{'peak MB':>9}  budget  outcome")
    for label, ms, mb, outcome in rows:
        ok = ms <= BUDGET_MS and mb <= BUDGET_MB
        over += not ok
        print(f"  {label:<56}{ms:>9.1f}{mb:>9.2f}  {'OK' if ok else 'OVER':<6}  {outcome}")
    return over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2_000)
    parser.add_argument("--chars", type=int, default=10_000)
    args = parser.parse_args(argv)
    db = seeded("sqlite", args.orders)
    snapshot(db)  # the fuzzy index is built once per process, not per input
    find_orders(db, query="acme")
    print(f"\nlookups on {args.orders:,} orders (SQLite), budget {BUDGET_MS:.0f} ms and "
          f"{BUDGET_MB:.0f} MB extra each")
    over = report(lookups(db, args.chars))
    print("\nbodies (in process, the WSGI app as `orderdesk serve` builds it)")
    over += report(bodies(db))
    db.dispose()
    print(f"\n{over} input(s) over budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
