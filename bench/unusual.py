"""The unusual_order check on the demo desk: precision and recall on the planted orders, and
how many clean orders it flags.

    .venv/bin/python bench/unusual.py [N=20000] [--seed 42]

N demo orders are seeded into a fresh SQLite database (store.seed: ~20 orders are planted
unusual for their customer, every other seeded problem is known by order id). The checks run
over every order they look at (draft and open), in batches of 500 as the re-check does
(findings only, nothing opened), and each order the unusual_order check flags is counted as
planted, as carrying another seeded problem (a wrong price, an over-stock line...: real
anomalies the check may rightly see too), or clean."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.seed_and_import import fresh_sqlite  # noqa: E402
from store.models import Order  # noqa: E402
from store.seed.demo import seed_demo  # noqa: E402
from store.triage.checks import findings_for  # noqa: E402
from store.triage.facts import chunks  # noqa: E402
from store.triage.rules import RULES  # noqa: E402


def measure(orders: int, seed: int) -> dict:
    db = fresh_sqlite(f"unusual-{orders}.sqlite3")
    report = seed_demo(db, orders=orders, seed=seed)
    planted = set(report.problem_orders.get("unusual", ()))
    other = {oid for kind, ids in report.problem_orders.items() if kind != "unusual"
             for oid in ids} - planted
    with db.read() as s:
        checked = list(s.scalars(select(Order.id).where(
            Order.status.in_(RULES.checked_statuses)).order_by(Order.id)))
    flagged: dict[int, list[str]] = {}
    started = time.perf_counter()
    for part in chunks(checked, 500):
        with db.read() as s:
            for f in findings_for(s, part):
                if f.fingerprint.startswith("unusual_order:unusual:"):
                    flagged.setdefault(f.order_id, []).append(f.title)
    seconds = time.perf_counter() - started
    db.dispose()
    hits = planted & set(flagged)
    clean_checked = [oid for oid in checked if oid not in planted and oid not in other]
    clean_flagged = [oid for oid in flagged if oid not in planted and oid not in other]
    return {
        "orders": orders, "checked": len(checked), "planted": len(planted),
        "planted_checked": len(planted & set(checked)), "flagged": len(flagged),
        "flagged_planted": len(hits), "flagged_other_problem": len(set(flagged) & other),
        "flagged_clean": len(clean_flagged), "clean_checked": len(clean_checked),
        "recall": len(hits) / len(planted) if planted else None,
        "precision": len(hits) / len(flagged) if flagged else None,
        "precision_counting_seeded_problems": (len(hits) + len(set(flagged) & other))
        / len(flagged) if flagged else None,
        "missed": sorted(planted - hits),
        "clean_examples": [flagged[oid][0] for oid in clean_flagged[:5]],
        "check_seconds": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="?", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    result = measure(args.orders, args.seed)
    for key, value in result.items():
        print(f"{key:36} {value if not isinstance(value, float) else f'{value:.3f}'}")


if __name__ == "__main__":
    main()
