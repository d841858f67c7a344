"""`orderdesk`: the admin's command line. Wiring only: each command calls store/, jobs/ or bot/."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from bot.config import ConfigError, Settings
from store.clock import Clock
from store.clock import install as install_clock
from store.errors import OrderdeskError


def main(argv: list[str] | None = None, *, clock: Clock | None = None) -> int:
    """`clock`: the process's clock (tests pass theirs); by default the wall clock in the
    workspace's time zone."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        install_clock(clock or Clock(settings.timezone))
        return args.run(settings, args) or 0
    except (ConfigError, OrderdeskError) as exc:
        print(f"orderdesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\norderdesk: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="orderdesk", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="run the Slack app (HTTP via gunicorn, or Socket Mode)")
    p.set_defaults(run=_serve)

    p = sub.add_parser("clock", help="run scheduled work (digests, nudges, outbox): one per site")
    p.set_defaults(run=_clock)

    p = sub.add_parser("console", help="try Orderdesk in the terminal against the Slack sandbox")
    p.add_argument("--orders", type=int, default=2000, help="demo orders to seed if empty")
    p.add_argument("--user", default="U0PROC1", help="who you are (a sandbox user id)")
    p.set_defaults(run=_console)

    p = sub.add_parser("sandbox", help="try Orderdesk in the browser: a Slack-like page on the "
                       "Slack sandbox")
    p.add_argument("--port", type=int, default=3000, help="port to serve on (0: any free one)")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on")
    p.add_argument("--orders", type=int, default=2000, help="demo orders to seed if empty")
    p.add_argument("--user", default="U0PROC1", help="who the page opens as (a sandbox user id)")
    p.set_defaults(run=_sandbox)

    p = sub.add_parser("db", help="database schema")
    p.add_argument("action", choices=["upgrade", "current"])
    p.set_defaults(run=_db)

    p = sub.add_parser("import", help="import a CSV or XLSX file (see README for columns)")
    p.add_argument("kind", choices=["catalog", "customers", "orders"])
    p.add_argument("file", type=Path)
    p.set_defaults(run=_import)

    p = sub.add_parser("digest", help="post a digest now (the clock posts them on schedule)")
    p.add_argument("action", choices=["run"])
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--subscription", type=int, help="a subscription's id (posted once)")
    which.add_argument("--period", choices=["daily", "weekly", "monthly"],
                       help="an extra digest of this period, to --channel")
    p.add_argument("--channel", help="channel id for --period, e.g. C0123ABCD")
    p.add_argument("--at", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="any day in the period (default: the last complete one)")
    p.set_defaults(run=_digest)

    p = sub.add_parser("connect", help="webhook sources: counts, last event, last error")
    p.add_argument("action", choices=["list"])
    p.set_defaults(run=_connect)

    p = sub.add_parser("seed", help="fill an empty database with realistic demo data")
    p.add_argument("--orders", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=42)
    p.set_defaults(run=_seed)
    return parser


def _open(settings: Settings, *, check_schema: bool = True):
    from bot.startup import open_checked

    return open_checked(settings, check_schema=check_schema)


def _serve(settings: Settings, _args) -> int:
    from bot.server import serve

    serve(settings)
    return 0


def _clock(settings: Settings, _args) -> int:
    from bot.clock import run_clock

    run_clock(settings, _open(settings))
    return 0


def _console(settings: Settings, args) -> int:
    from bot.console import run

    return run(settings, orders=args.orders, user=args.user)


def _sandbox(settings: Settings, args) -> int:
    from bot.console import run_web

    return run_web(settings, orders=args.orders, user=args.user, port=args.port, host=args.host)


def _db(settings: Settings, args) -> int:
    from store import schema

    db = _open(settings, check_schema=False)
    if args.action == "upgrade":
        before = schema.current_revision(db)
        schema.upgrade(db)
        print(f"schema: {before or 'empty'} -> {schema.current_revision(db)} ({db.dialect})")
    else:
        current, head = schema.current_revision(db), schema.head_revision()
        state = "up to date" if current == head else f"out of date, head is {head}"
        print(f"schema: {current or 'empty'} ({state})")
    return 0


def _import(settings: Settings, args) -> int:
    from bot.progress import progress_bar
    from store.importer import import_file

    if not args.file.is_file():
        raise ConfigError(f"{args.file}: no such file. Give the path of a .csv or .xlsx file.")
    db = _open(settings)
    with progress_bar(f"import {args.kind}", unit="rows") as progress:
        report = import_file(db, kind=args.kind, path=args.file, progress=progress)
    for rejection in report.rejections:
        column = f", column {rejection.column}" if rejection.column else ""
        print(f"  row {rejection.row}{column}: {rejection.reason}", file=sys.stderr)
    print(report.summary_line())
    return 1 if report.rows_rejected else 0


def _digest(settings: Settings, args) -> int:
    from bot.slack_client import make_web_client
    from jobs.digests import run_digest_command

    if args.period and not args.channel:
        raise ConfigError("--period needs --channel (a channel id like C0123ABCD).")
    settings.require_slack()
    outcome = run_digest_command(_open(settings), make_web_client(settings),
                                 timezone=settings.timezone, subscription_id=args.subscription,
                                 kind=args.period, channel=args.channel, at=args.at)
    print(outcome.summary_line())
    return 0 if outcome.status == "posted" else 1


def _connect(settings: Settings, _args) -> int:
    from store.connect import list_sources

    secrets = settings.connect_secrets
    print(f"{'source':12} {'secret':8} {'accepted':>9} {'refused':>8} {'duplicate':>9}  "
          "last event                 last error")
    for s in list_sources(_open(settings)):
        on = "set" if any(v for k, v in secrets.items() if k.split("@")[0] == s.source) \
            else "unset"
        last = s.last_event_at.isoformat(timespec="seconds") if s.last_event_at else "-"
        error = (f"{s.last_error_at.isoformat(timespec='seconds')} {s.last_error}"
                 if s.last_error and s.last_error_at else "-")
        print(f"{s.source:12} {on:8} {s.accepted:>9} {s.refused:>8} {s.duplicate:>9}  "
              f"{last:26} {error}")
    return 0


def _seed(settings: Settings, args) -> int:
    from bot.progress import progress_bar
    from store.seed import seed_demo

    db = _open(settings)
    with progress_bar("seed", unit="orders", total=args.orders) as progress:
        report = seed_demo(db, orders=args.orders, seed=args.seed, progress=progress)
    print(report.summary_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
