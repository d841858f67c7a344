#!/usr/bin/env bash
# Sets up and runs the whole test suite: on SQLite at three "todays" (now, a year and a half
# ahead, a daylight-saving change: scripts/test_todays.py), then on PostgreSQL.
# PostgreSQL: ORDERDESK_TEST_DATABASE_URL (default postgresql://root@127.0.0.1:5432/orderdesk_test);
# the database (one per test worker) is created if missing. ORDERDESK_TEST_DATABASE_URL=none
# runs SQLite only, and says so. ORDERDESK_TEST_WORKERS sets the parallel workers (default 3).
# Arguments go to pytest, e.g. scripts/test.sh tests/store/test_orders.py -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
pg_url="${ORDERDESK_TEST_DATABASE_URL:-postgresql://root@127.0.0.1:5432/orderdesk_test}"
workers="${ORDERDESK_TEST_WORKERS:-3}"
run_pytest() { .venv/bin/python -m pytest -q -p no:cacheprovider -n "$workers" "$@"; }

echo "== import contracts (lint-imports; see docs/architecture.md)"
.venv/bin/lint-imports --no-cache

mapfile -t todays < <(.venv/bin/python scripts/test_todays.py)
echo "== tests on SQLite, today"
ORDERDESK_TEST_NOW= ORDERDESK_TEST_DATABASE_URL= run_pytest "$@"
for today in "${todays[@]}"; do
  echo "== tests on SQLite, as if it were $today"
  ORDERDESK_TEST_NOW="$today" ORDERDESK_TEST_DATABASE_URL= run_pytest "$@"
done

if [ "$pg_url" = "none" ]; then
  echo "== PostgreSQL pass NOT RUN (ORDERDESK_TEST_DATABASE_URL=none)"
  exit 0
fi
echo "== tests on PostgreSQL ($pg_url)"
.venv/bin/python - "$pg_url" <<'PY'
import sys
import psycopg
from psycopg import sql
url = sys.argv[1]
base, _, name = url.rpartition("/")
try:
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
except psycopg.OperationalError as exc:
    sys.exit(f"test.sh: PostgreSQL at {url} is unreachable ({exc}).\n"
             "Start it, point ORDERDESK_TEST_DATABASE_URL at one, or set it to 'none' to skip.")
PY
ORDERDESK_TEST_NOW= ORDERDESK_TEST_DATABASE_URL="$pg_url" run_pytest "$@"
