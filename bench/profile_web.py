"""Where the web workers' CPU goes under load: py-spy samples `orderdesk serve` (gunicorn,
master and workers) while 20 senders send signed /order requests, as bench/roundtrip_bench.py
does, and the samples are summed by layer and by function.

    .venv/bin/python bench/profile_web.py [ORDERS] [--db sqlite|postgresql] [--senders 20]
        [--requests 3000] [--rate 250] [--top 15] [--gil]
        [--pg-url postgresql://root@127.0.0.1/postgres]

Needs py-spy (`scripts/setup.sh test,bench`) and ptrace rights over our own children. Only
samples where a thread was running count (py-spy leaves idle threads out), but a thread waiting
to take back the GIL counts as running: `--gil` keeps only the thread holding it, the shares
of the Python CPU the workers spent. Writes the raw folded stacks to bench/out/web_<db>_<N>.folded (for
any flame-graph viewer, e.g. speedscope or flamegraph.pl) and prints: the share of each layer
(the package of the innermost frame: Bolt, SQLAlchemy, the driver, Jinja, our packages …),
the top functions by own time, and our own functions by time including what they call.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import roundtrip_bench  # noqa: E402
from bench.dataset import DEFAULT_PG, OUT, seeded, url_for  # noqa: E402
from bench.stack import free_port  # noqa: E402
from sandbox import SlackSandbox  # noqa: E402

# The innermost frame's file decides the layer; the first pattern that matches wins. py-spy
# names a frame "function (path:line)", the path relative to site-packages or the project.
LAYERS = (
    ("Bolt and the Slack SDK", r"\((slack_bolt|slack_sdk)/"),
    ("SQLAlchemy", r"\(sqlalchemy/"),
    ("database driver", r"\((psycopg|psycopg_pool|sqlite3)/"),
    ("Jinja and templates", r"\(jinja2/|\(<template>|\.j2:"),
    ("JSON", r"\(json/|orjson"),
    ("gunicorn and HTTP", r"\((gunicorn|http|email|urllib)/|\((socket|selectors|ssl)\.py"),
    ("rapidfuzz", r"\(rapidfuzz/"),
    ("Orderdesk: handlers and bot", r"\((handlers|bot|jobs)/"),
    ("Orderdesk: messages", r"\(messages/"),
    ("Orderdesk: store", r"\(store/"),
    ("logging", r"\(logging/"),
)
# Innermost frames that are a wait, not work: Bolt's 10 ms poll for the ack, a thread pool's
# queue, gunicorn's select, psycopg waiting for PostgreSQL's answer. py-spy counts a thread as
# running when the OS does, and on two busy cores a thread woken from a wait stays runnable
# until it gets a core.
WAITS = (
    ("PostgreSQL's answer", re.compile(r"^Connection\.wait \(psycopg/")),
    ("Bolt's ack poll", re.compile(r"^ThreadListenerRunner\.run \(slack_bolt/")),
    ("idle threads and select", re.compile(r"^(_worker \(concurrent/futures/|\w*Selector\.select"
                                           r" \(|Condition\.wait \(|Event\.wait \()")),
)
OURS = re.compile(r"\((handlers|bot|jobs|messages|store)/")
LINE = re.compile(r":\d+\)$")


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("profile_web: py-spy is not installed; run scripts/setup.sh test,bench")
    folded = OUT / f"web_{args.db}_{args.orders}.folded"
    samples = record(args, spy, folded)
    print(summary(samples, args.top))
    print(f"\nfolded stacks: {folded}")
    return 0


def record(args, spy: str, folded: Path) -> Counter:
    db = seeded(args.db, args.orders, args.pg_url, quiet=True)
    texts = roundtrip_bench.queries(db, args.requests)
    db.dispose()
    OUT.mkdir(parents=True, exist_ok=True)
    with SlackSandbox(signing_secret=roundtrip_bench.SECRET) as sb:
        env = {**os.environ, "SLACK_BOT_TOKEN": sb.bot_token,
               "SLACK_SIGNING_SECRET": roundtrip_bench.SECRET, "SLACK_API_URL": sb.api_url,
               "DATABASE_URL": url_for(args.db, args.orders, args.pg_url),
               "PYTHONPATH": str(ROOT)}
        port = free_port()
        app = roundtrip_bench.start_server([sys.executable, "-m", "bot.cli", "serve"],
                                           {**env, "PORT": str(port)}, port)
        url = f"http://127.0.0.1:{port}/slack/events"
        try:
            for text in texts[:50]:  # warm: fuzzy index, pools, template cache
                roundtrip_bench.send(url, text)
            spy_proc = subprocess.Popen(
                [spy, "record", "--pid", str(app.pid), "--subprocesses", "--nonblocking",
                 *(["--gil"] if args.gil else []),
                 "--rate", str(args.rate), "--format", "raw", "--output", str(folded)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(1.0)  # py-spy attaches to the workers
            result = roundtrip_bench.load(url, texts, args.senders)
            spy_proc.send_signal(signal.SIGINT)
            _, err = spy_proc.communicate(timeout=60)
            if not folded.exists():
                raise SystemExit(f"py-spy wrote nothing: {err.decode()[-1500:]}")
        finally:
            roundtrip_bench.stop_server(app)
    print(f"{args.db}, {args.orders:,} orders, {args.senders} senders: p50 {result['p50']:.1f} ms,"
          f" p99 {result['p99']:.1f} ms, {result['rps']:.0f} req/s, {result['errors']} errors")
    return read_folded(folded.read_text())


def read_folded(text: str) -> Counter:
    """py-spy's raw format: one stack per line, frames root first split by ';', then a count."""
    samples: Counter = Counter()
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            samples[stack] += int(count)
    return samples


def summary(samples: Counter, top: int) -> str:
    layers: Counter = Counter()
    own: Counter = Counter()
    including: Counter = Counter()
    waiting: Counter = Counter()
    for stack, count in samples.items():
        frames = [LINE.sub(")", frame) for frame in stack.split(";")]  # by function, not line
        leaf = frames[-1]
        wait = next((name for name, pattern in WAITS if pattern.search(leaf)), None)
        if wait:
            waiting[wait] += count
            continue
        layers[_layer(leaf)] += count
        own[leaf] += count
        for frame in set(frames):
            if OURS.search(frame):
                including[frame] += count
    total = sum(own.values()) or 1
    waits = ", ".join(f"{name} {n:,}" for name, n in waiting.most_common())
    lines = [f"{total:,} samples of work; {sum(waiting.values()):,} more waiting ({waits})", "",
             "by layer (innermost frame):"]
    lines += [f"  {share(n, total)}  {name}" for name, n in layers.most_common()]
    lines += ["", f"top {top} functions by own time:"]
    lines += [f"  {share(n, total)}  {frame}" for frame, n in own.most_common(top)]
    lines += ["", f"top {top} Orderdesk functions, including what they call:"]
    lines += [f"  {share(n, total)}  {frame}" for frame, n in including.most_common(top)]
    return "\n".join(lines)


def share(n: int, total: int) -> str:
    return f"{100 * n / total:5.1f} %"


def _layer(frame: str) -> str:
    for name, pattern in LAYERS:
        if re.search(pattern, frame):
            return name
    return "other (stdlib, interpreter)"


def _args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("orders", type=int, nargs="?", default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--gil", action="store_true", help=(
        "only the thread holding the GIL: under 20 senders, threads waiting to take it back "
        "inside the driver's calls otherwise count as work (PostgreSQL: psycopg's send was "
        "58 %% of the samples without it, 1 %% with it); leaves out SQLite's statements, which "
        "run without the GIL"))
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(main())
