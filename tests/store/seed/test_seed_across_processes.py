"""Same seed, same data, also from one process to the next: each seed runs in its own
interpreter (a stream derived from an object's address would differ between them)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import hashlib
from datetime import UTC, datetime
from sqlalchemy import text
from store.db import open_database
from store.models import Base
from store.seed.demo import seed_demo
db = open_database("sqlite://")
Base.metadata.create_all(db.engine)
seed_demo(db, orders=400, seed=42, now=datetime(2026, 3, 2, 12, tzinfo=UTC))
with db.read() as s:
    rows = [s.execute(text(f"SELECT * FROM {t} ORDER BY id")).all()
            for t in ("orders", "order_lines", "shipments", "order_holds", "returns")]
print(hashlib.sha256(repr(rows).encode()).hexdigest())
"""


def _seeded_digest() -> str:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


def test_two_processes_seed_the_same_rows():
    assert _seeded_digest() == _seeded_digest()
