"""A web worker's heap is settled once its app is loaded (bot.server.settle_heap): what
loading built is frozen out of the garbage collector's full passes, which otherwise stall
every request in flight while they walk it (issue 23, the round trip's p99)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# In a process of its own: freezing the test process's heap would outlive the test.
LOAD_A_WORKER = """
import gc, json, sys
from bot.config import Settings
from bot.server import gunicorn_server
settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s",
                              "DATABASE_URL": sys.argv[1]})
before = gc.get_freeze_count()
app = gunicorn_server(settings).load()
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(),
                  "walked": len(gc.get_objects())}))
"""


def test_a_worker_freezes_what_loading_its_app_built(tmp_path):
    url = f"sqlite:///{tmp_path / 'od.sqlite3'}"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DATABASE_URL", "ORDERDESK_"))}
    subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], cwd=ROOT, check=True,
                   capture_output=True, env={**env, "DATABASE_URL": url}, timeout=120)
    out = subprocess.run([sys.executable, "-c", LOAD_A_WORKER, url], cwd=ROOT, check=True,
                         capture_output=True, text=True, env=env, timeout=120)
    heap = json.loads(out.stdout.strip().splitlines()[-1])
    assert heap["before"] == 0
    # Bolt, SQLAlchemy and our modules: tens of thousands of objects no request frees.
    assert heap["frozen"] > 50_000
    assert heap["walked"] < heap["frozen"] / 5
