"""Resident memory of the clock process once it has done its heaviest regular job.

Starts `orderdesk clock` as its own process on the dataset, with a monthly digest owed to a
benchmark channel (a subscription dated 40 days back, its earlier runs removed), waits until
the digest is posted to the sandbox, then reads the process's VmRSS, its peak (VmHWM) and
the part of it that is file pages (RssFile): on SQLite the digest queries read the database
through mmap (store.metrics.digest.tune_for_reports), and those pages count as resident though the
kernel can drop them at any time; RssAnon is the process's own memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select

from bench.dataset import DEFAULT_PG, url_for
from bench.roundtrip_bench import SECRET, stop_server
from sandbox import SlackSandbox
from store import clock
from store.db import open_database
from store.enums import DigestRunStatus
from store.metrics.subscriptions import subscribe_digest
from store.models import DigestRun

ROOT = Path(__file__).resolve().parents[1]
CHANNEL = "C0BENCHDIGEST"


def measure(backend: str, orders: int, sb: SlackSandbox, pg_base: str = DEFAULT_PG,
            timeout_s: float = 600) -> dict:
    url = url_for(backend, orders, pg_base)
    db = open_database(url)
    subscription = subscribe_digest(db, period="monthly", channel_id=CHANNEL, at_time="07:00",
                                    timezone="UTC", actor="bench",
                                    now=clock.now() - timedelta(days=40)).subscription
    with db.write() as s:  # so the period is owed again on every run
        s.execute(delete(DigestRun).where(DigestRun.subscription_id == subscription.id))
    sb.add_channel(CHANNEL, "bench-digest")
    env = {**os.environ, "DATABASE_URL": url, "SLACK_BOT_TOKEN": sb.bot_token,
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": sb.api_url, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "clock"], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        status = _wait_for_run(db, subscription.id, process, timeout_s)
        posted_s = time.perf_counter() - started
        memory = _memory_mb(process.pid)
    finally:
        stop_server(process)
        db.dispose()
    print(f"  clock: digest {status} {posted_s:.1f} s after start; RSS {memory['rss']:.0f} MB "
          f"(own {memory['anon']:.0f} MB, file pages {memory['file']:.0f} MB), peak "
          f"{memory['peak']:.0f} MB", flush=True)
    return {"status": status, "posted_after_s": posted_s, "rss_mb": memory["rss"],
            "anon_mb": memory["anon"], "file_mb": memory["file"], "peak_mb": memory["peak"]}


def _wait_for_run(db, subscription_id: int, process: subprocess.Popen, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"clock exited: {process.stderr.read().decode()[-2000:]}")
        with db.read() as s:
            status = s.scalar(select(DigestRun.status).where(
                DigestRun.subscription_id == subscription_id,
                DigestRun.status != DigestRunStatus.CLAIMED))
        if status is not None:
            return str(status)
        time.sleep(0.5)
    raise SystemExit(f"the clock posted no digest in {timeout_s:.0f} s")


def _memory_mb(pid: int) -> dict[str, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return {name: int(fields[field].split()[0]) / 1024 for name, field in (
        ("rss", "VmRSS"), ("peak", "VmHWM"), ("anon", "RssAnon"), ("file", "RssFile"))}
