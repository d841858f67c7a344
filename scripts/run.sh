#!/usr/bin/env bash
# Sets up and runs Orderdesk. With Slack credentials in the environment it serves your
# workspace; without them it opens the console on the built-in Slack sandbox, with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -n "${SLACK_BOT_TOKEN:-}" ] && [ -n "${SLACK_SIGNING_SECRET:-}" ]; then
  .venv/bin/orderdesk db upgrade
  exec .venv/bin/orderdesk serve
fi
exec .venv/bin/orderdesk console "$@"
