"""CPU per /order request, in one process, no network: what our code costs beyond Bolt's.

    .venv/bin/python bench/request_cpu.py [ORDERS] [--requests 2000] [--profile]
        [--db sqlite|postgresql] [--pg-url postgresql://root@127.0.0.1/postgres]

Builds the real WSGI app (bot.app.create_app + bot.web.create_wsgi_app) on the shared SQLite
dataset (bench/dataset.py, 20,000 orders by default) with the Slack sandbox answering the Web
API in this process (users.info etc. are cached after the first request), and calls it with
signed /order requests directly (the WSGI callable, no server, no sockets). Reports CPU
milliseconds per request (time.process_time, not wall: a loaded machine slows the wall clock,
not the CPU a request takes) for /order <ref>, /order <customer name>, /order <name with a
typo> (as bench/roundtrip_bench.py sends 30 % of the time; fresh typos each round) and, as the
floor, a Bolt app whose /order only acks (bench/trivial_app.py's app, same adapter).
`--profile` adds the top frames of a cProfile run over the /order <ref> requests. On
PostgreSQL (od_orders_<N>, on this host) the CPU of the app's server backends is reported next
to the process's own, and the rows rank by the sum: a statement fewer shows there, and as time
waited, not in the process.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select

from bench.dataset import DEFAULT_PG, seeded, url_for
from bench.import_rate import cpu_seconds
from bench.lookup_bench import _name_typo
from sandbox import SlackSandbox
from sandbox.player import signed_headers
from store.models import Customer, Order

SECRET = "bench-signing-secret"


def environ_for(text: str, *, user: str = "U0PROC1", user_name: str = "priya") -> dict:
    """A WSGI environ for a signed /order <text> (signed now: fresh for Bolt's 5-minute check)."""
    body = urlencode({"command": "/order", "text": text, "user_id": user,
                      "user_name": user_name, "channel_id": "C0ORDERS", "team_id": "T0ORDERDESK",
                      "trigger_id": "bench.trigger", "response_url": "http://127.0.0.1:9/r"}
                     ).encode()
    headers = signed_headers(SECRET, body, "application/x-www-form-urlencoded")
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "",
               "CONTENT_TYPE": headers.pop("Content-Type"), "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body), "SERVER_NAME": "bench", "SERVER_PORT": "80",
               "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1"}
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def call(app, text: str) -> bytes:
    status = []
    out = b"".join(app(environ_for(text), lambda s, h, *a: status.append(s)))
    if not status or not status[0].startswith("200"):
        raise SystemExit(f"/order {text!r}: {status} {out[:300]!r}")
    return out


def cpu_ms(app, texts: list[str], db=None) -> tuple[float, float]:
    """CPU ms per request over `texts` (the signing is done first, outside the timing): this
    process's, and its PostgreSQL backends' (0 on SQLite, or without `db`)."""
    environs = [environ_for(t) for t in texts]
    before = cpu_seconds(db) if db is not None else {"self": time.process_time()}
    for environ in environs:
        b"".join(app(environ, lambda s, h, *a: None))
    after = cpu_seconds(db) if db is not None else {"self": time.process_time()}
    own = after.pop("self") - before.pop("self")
    server = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
    return own * 1000 / len(texts), server * 1000 / len(texts)


def texts_of(db, n: int, seed: int = 11) -> tuple[list[str], list[str], list[str]]:
    """Refs, exact customer names, and names with a typo in their longest word (as the round
    trip sends): each name typo'd afresh, so the fuzzy index's memory of close words rarely
    answers for it, as with people's own typos."""
    rng = random.Random(seed)
    with db.read() as s:
        refs = list(s.scalars(select(Order.ref).limit(5000)))
        names = list(s.scalars(select(Customer.name).limit(2000)))
    exact = [rng.choice(names) for _ in range(n)]
    return ([rng.choice(refs) for _ in range(n)], exact,
            [_name_typo(rng, name) for name in exact])


def build_ours(sb: SlackSandbox, orders: int, backend: str = "sqlite", pg_base: str = DEFAULT_PG):
    from bot.app import create_app
    from bot.config import Settings
    from bot.web import create_wsgi_app
    from jobs.renderers import renderer_table

    settings = Settings.from_env({
        "SLACK_BOT_TOKEN": sb.bot_token, "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": sb.api_url, "DATABASE_URL": url_for(backend, orders, pg_base)})
    db = seeded(backend, orders, pg_base, quiet=True)
    bolt = create_app(settings, db=db)
    app = create_wsgi_app(bolt, db,
                          renderers=renderer_table(settings.audience, settings.default_locale),
                          signing_secret=SECRET)
    return app, bolt, db


def build_noop(sb: SlackSandbox):
    os.environ.update({"SLACK_BOT_TOKEN": sb.bot_token, "SLACK_SIGNING_SECRET": SECRET,
                       "SLACK_API_URL": sb.api_url})
    from bench.trivial_app import application

    return application


class _Inline:
    """An executor that runs the listener in the calling thread: cProfile sees one thread."""

    def submit(self, fn, *args, **kwargs):
        fn(*args, **kwargs)


def top_frames(app, bolt, texts: list[str], limit: int = 30) -> str:
    """cProfile's top frames with Bolt's listener run inline (the profiler follows one thread;
    the listener's own thread hop and Bolt's 10 ms ack polling are left out)."""
    bolt.listener_runner.listener_executor = _Inline()
    environs = [environ_for(t) for t in texts]
    profile = cProfile.Profile()
    profile.enable()
    for environ in environs:
        b"".join(app(environ, lambda s, h, *a: None))
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("orders", type=int, nargs="?", default=20_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    args = parser.parse_args()
    with SlackSandbox(signing_secret=SECRET) as sb:
        ours, bolt, db = build_ours(sb, args.orders, args.db, args.pg_url)
        noop = build_noop(sb)
        refs, names, typos = texts_of(db, args.requests)
        for text in refs[:20] + names[:20]:  # warm: caches, fuzzy index, connection pool
            call(ours, text)
        call(noop, refs[0])
        # Fresh typos each round: a round of typos already seen would find their close words
        # remembered, which people's new typos do not.
        typos = [typos] + [texts_of(db, args.requests, seed=11 + r)[2]
                           for r in range(1, args.rounds)]
        rows = {"/order <ref>": (ours, [refs] * args.rounds, db),
                "/order <customer name>": (ours, [names] * args.rounds, db),
                "/order <name, a typo>": (ours, typos, db),
                "no-op Bolt app": (noop, [refs] * args.rounds, None)}
        results = {label: min((cpu_ms(app, texts, app_db) for texts in rounds), key=sum)
                   for label, (app, rounds, app_db) in rows.items()}
        floor = results["no-op Bolt app"][0]
        print(f"CPU per request, {args.orders:,} orders ({args.db}), {args.requests} requests, "
              f"best of {args.rounds}:")
        for label, (ms, server_ms) in results.items():
            backends = f"   + PostgreSQL backends {server_ms:5.2f} ms" if not db.is_sqlite else ""
            print(f"  {label:<24} {ms:6.2f} ms   {ms / floor:4.1f}x the no-op{backends}")
        if args.profile:
            print(top_frames(ours, bolt, refs[: min(args.requests, 1000)]))
        db.dispose()


if __name__ == "__main__":
    main()
