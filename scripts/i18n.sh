#!/usr/bin/env bash
# The translation catalogues (README "Translations"): extract the marked strings, merge them
# into every language's .po, compile the .mo files the package ships.
# Usage: scripts/i18n.sh [extract|update|compile|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
babel=.venv/bin/pybabel
step="${1:-all}"
if [ "$step" = extract ] || [ "$step" = all ]; then
  "$babel" -q extract -F babel.cfg -k N_ --no-location --sort-output --project=orderdesk \
    -o messages/locale/messages.pot .
fi
if [ "$step" = update ] || [ "$step" = all ]; then
  "$babel" update -i messages/locale/messages.pot -d messages/locale -D messages \
    --no-fuzzy-matching --ignore-obsolete
fi
if [ "$step" = compile ] || [ "$step" = all ]; then
  "$babel" compile -d messages/locale -D messages --statistics
fi
