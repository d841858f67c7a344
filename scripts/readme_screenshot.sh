#!/usr/bin/env bash
# Retakes docs/img/sandbox.png, the README's picture of the sandbox page: runs the browser
# journey (tests/browser/test_journey.py, which screenshots each step at 1400x900) and keeps its
# step in #order-triage. Emoji show as empty boxes unless a colour emoji font is installed
# (Debian: apt-get install fonts-noto-color-emoji), so this checks for one first.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! fc-list 2>/dev/null | grep -qi "color emoji"; then
  echo "readme_screenshot: no colour emoji font; apt-get install fonts-noto-color-emoji" >&2
  exit 1
fi
ORDERDESK_TEST_NOW= ORDERDESK_TEST_DATABASE_URL= \
  .venv/bin/python -m pytest -q -p no:cacheprovider tests/browser/test_journey.py
shots=(test-artifacts/browser/test_a_processor_and_a_rep_work_the_desk_in_the_browser/*-the-triage-channel.png)
mkdir -p docs/img
cp "${shots[0]}" docs/img/sandbox.png
echo "readme_screenshot: docs/img/sandbox.png from ${shots[0]}"
