#!/usr/bin/env bash
# Sets up and runs Orderdesk. With Slack credentials in the environment it serves your
# workspace; without them it serves the built-in Slack sandbox as a Slack-like web page, with
# demo data (`orderdesk sandbox`); `scripts/run.sh --console` (or ORDERDESK_UI=console) opens
# the terminal console on the same sandbox instead. Other arguments go to the command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -n "${SLACK_BOT_TOKEN:-}" ] && [ -n "${SLACK_SIGNING_SECRET:-}" ]; then
  .venv/bin/orderdesk db upgrade
  exec .venv/bin/orderdesk serve
fi
ui="${ORDERDESK_UI:-sandbox}"
if [ "${1:-}" = "--console" ]; then
  ui=console
  shift
fi
case "$ui" in
  console) exec .venv/bin/orderdesk console "$@" ;;
  sandbox) exec .venv/bin/orderdesk sandbox "$@" ;;
  *) echo "scripts/run.sh: ORDERDESK_UI must be sandbox or console, not '$ui'" >&2; exit 2 ;;
esac
