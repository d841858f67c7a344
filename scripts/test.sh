#!/usr/bin/env bash
# Sets up and runs the whole test suite: on SQLite at three "todays" (now, a year and a half
# ahead, a daylight-saving change: scripts/test_todays.py), then on PostgreSQL.
# PostgreSQL: ORDERDESK_TEST_DATABASE_URL (default postgresql://root@127.0.0.1:5432/orderdesk_test);
# the database (one per test worker) is created if missing. ORDERDESK_TEST_DATABASE_URL=none
# runs SQLite only, and says so. ORDERDESK_TEST_WORKERS sets the parallel workers (default 3).
# Arguments go to pytest, e.g. scripts/test.sh tests/store/test_orders.py -x
# The browser tests (tests/browser: Playwright driving Debian's Chromium, which this installs
# when it is missing, failing loudly when it can't; ORDERDESK_BROWSER=/path overrides it) run
# once, in one process on SQLite: they test the page, not the database or the date, and each
# worker of a parallel run would launch a Chromium of its own. With arguments, every pass
# runs what they name (tests/browser included, in parallel: the tests allow it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

ensure_chromium() {
  if [ -n "${ORDERDESK_BROWSER:-}" ]; then
    [ -x "$ORDERDESK_BROWSER" ] && return 0
    echo "test.sh: FAILED: ORDERDESK_BROWSER=$ORDERDESK_BROWSER is not an executable" >&2
    exit 1
  fi
  command -v chromium >/dev/null && return 0
  echo "== installing Chromium for the browser tests (Debian's package: apt-get install chromium)"
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      echo "test.sh: FAILED: the browser tests need Chromium; not root and no sudo to install it." >&2
      echo "test.sh: run as root: apt-get install -y --no-install-recommends chromium" >&2
      echo "test.sh: or set ORDERDESK_BROWSER=/path/to/chromium" >&2
      exit 1
    fi
  fi
  # a fresh machine has no package lists yet: update once if the first try finds nothing
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium \
    || { "${sudo[@]}" apt-get update -qq \
         && "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium; } \
    || true
  if ! command -v chromium >/dev/null; then
    echo "test.sh: FAILED: could not install Chromium (apt-get install chromium failed above);" >&2
    echo "test.sh: the browser tests cannot run without it. Install it, or set" >&2
    echo "test.sh: ORDERDESK_BROWSER=/path/to/chromium." >&2
    exit 1
  fi
}
ensure_chromium
browser_once=
if [ $# -eq 0 ]; then
  browser_once=1
  set -- --ignore=tests/browser
fi
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
if [ -n "$browser_once" ]; then
  echo "== browser tests (Chromium, once, on SQLite; screenshots in test-artifacts/browser/)"
  ORDERDESK_TEST_NOW= ORDERDESK_TEST_DATABASE_URL= \
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/browser
fi

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
