"""`orderdesk` with triage's hourly batching off, for the reliability commands:
    python bench/orderdesk_unbatched.py serve|clock

With the shipped rules only 10 new items an hour get their own parent message in a channel
(the rest are counted in one summary), so a fault run would audit ten parents. With the
threshold lifted every discrepancy gets its parent, and the exactly-once audit covers them
all. Everything else is the real `orderdesk` command (bot/cli.py)."""

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cli import main  # noqa: E402
from store.triage import rules as check_rules  # noqa: E402

check_rules.RULES = dataclasses.replace(check_rules.RULES, batch_threshold=10 ** 9)

if __name__ == "__main__":
    sys.exit(main())
