#!/usr/bin/env bash
# Sets up and runs the whole test suite, on SQLite and then on PostgreSQL.
# PostgreSQL: ORDERDESK_TEST_DATABASE_URL (default postgresql://root@127.0.0.1:5432/orderdesk_test);
# the database is created if missing. ORDERDESK_TEST_DATABASE_URL=none runs SQLite only, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
pg_url="${ORDERDESK_TEST_DATABASE_URL:-postgresql://root@127.0.0.1:5432/orderdesk_test}"

echo "== tests on SQLite"
ORDERDESK_TEST_DATABASE_URL= .venv/bin/python -m pytest -q -p no:cacheprovider "$@"

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
ORDERDESK_TEST_DATABASE_URL="$pg_url" .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
