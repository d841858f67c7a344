"""Answer latency for questions asked in threads: p50/p95/p99 per kind of question.

    .venv/bin/python bench/thread_bench.py [ORDERS] [--db sqlite|postgresql|both]
        [--queries 200] [--e2e 60] [--pg-url postgresql://root@127.0.0.1/postgres]

Uses the shared benchmark datasets (bench/dataset.py: bench/out/orders_<N>.sqlite3 and the
PostgreSQL database od_orders_<N>, seeded once and reused).

"answer" is what the event listener does apart from Slack: claim the event, check the role,
parse, find, state the facts, render the Block Kit reply. "e2e" (SQLite only, --e2e N) asks
through the Slack sandbox over real HTTP: from the @mention being sent to the reply being in
the thread. Questions use the data's own refs, POs, tracking numbers and customer names (with
typos), and dates relative to the newest order.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dataset import DEFAULT_PG, seeded  # noqa: E402
from bench.lookup_bench import _name_typo  # noqa: E402
from messages.answers import answer_message  # noqa: E402
from store import clock  # noqa: E402
from store.clock import SetClock  # noqa: E402
from store.db import Database  # noqa: E402
from store.enums import Role  # noqa: E402
from store.lookup.index import snapshot  # noqa: E402
from store.models import Customer, Order, Shipment  # noqa: E402
from store.questions.answers import answer_question  # noqa: E402
from store.workspace.events import claim_event  # noqa: E402
from store.workspace.roles import require  # noqa: E402


def sample(db: Database, n: int, seed: int = 11) -> tuple[list[tuple[str, str, object]], object]:
    """(kind, question, check(answer) -> bool) triples, and the 'now' they are asked at."""
    rng = random.Random(seed)
    with db.read() as s:
        now = s.scalar(select(func.max(Order.ordered_at))) + timedelta(hours=1)
        top = s.scalar(select(func.max(Order.id)))
        ids = [rng.randint(1, top) for _ in range(n * 3)]
        rows = s.execute(select(Order.ref, Order.po_number, Customer.name)
                         .join(Customer, Customer.id == Order.customer_id)
                         .where(Order.id.in_(ids))).all()
        tracking = s.execute(select(Shipment.tracking_number, Order.ref)
                             .join(Order, Order.id == Shipment.order_id)
                             .where(Shipment.order_id.in_(ids))).all()
    rng.shuffle(rows)
    refs = [(r.ref, r.name) for r in rows][:n]
    pos = [(r.po_number, r.ref) for r in rows if r.po_number][:n]
    names = [r.name for r in rows][:n]
    out = []
    for (ref, _), (ref2, _) in zip(refs, refs[1:] + refs[:1]):
        out.append(("ref", f"status of {ref}?", _names(ref)))
        out.append(("two refs", f"{ref} and {ref2.removeprefix('SO-')}", _names(ref, ref2)))
    # Demo POs repeat across a customer's orders: right = every order named carries that PO.
    out += [("PO", f"has PO {po} shipped?", _po(po)) for po, _ in pos]
    out += [("tracking", f"tracking for {t}", _names(ref)) for t, ref in tracking[:n] if t]
    for name in names:
        out.append(("customer, last week", f"where's the {name} order from last week",
                    _customer(name)))
        out.append(("customer~typo, late", f"anything late for {_name_typo(rng, name)}?",
                    _customer(name)))
        out.append(("customer, yesterday", f"what did {name} order yesterday",
                    _customer(name)))
    out += [("date only", "what came in yesterday", _any)] * min(n, 50)
    out += [("late, all accounts", "anything late?", _all_late)] * min(n, 50)
    return out, now


def _names(*refs):
    return lambda a: set(refs) <= {o.ref for o in a.orders} or a.kind == "candidates"


def _po(po):
    return lambda a: bool(a.orders) and all(o.po_number == po for o in a.orders)


def _customer(name):
    return lambda a: name in a.customers


def _any(answer):
    return answer.kind in ("orders", "order")


def _all_late(answer):
    return bool(answer.orders) and all(o.late for o in answer.orders)


def answer_once(db: Database, question: str, now) -> object:
    """The listener's work without Slack: claim, role, answer, render."""
    claim_event(db, event_id=f"Ev{uuid.uuid4().hex[:12]}", message_key=None)
    role = require(db, user_id="U0SALES1", action="ask", admins=(), default_role=Role.SALES)
    answer = answer_question(db, text=question, user_id="U0SALES1", role=role, policy="status",
                             now=now)
    answer_message(answer)
    return answer


def measure(db: Database, questions, now) -> dict[str, dict]:
    for _, q, _ in questions[:20]:
        answer_once(db, q, now)  # warm the fuzzy index and statement caches
    times: dict[str, list[float]] = {}
    right: dict[str, int] = {}
    for kind, q, check in questions:
        started = time.perf_counter()
        answer = answer_once(db, q, now)
        times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        right[kind] = right.get(kind, 0) + bool(check(answer))
    results = {kind: _stats(ts) | {"right": right[kind]} for kind, ts in times.items()}
    every = [t for ts in times.values() for t in ts]
    results["(all questions)"] = _stats(every) | {"right": sum(right.values())}
    return results


def _stats(times: list[float]) -> dict:
    times = sorted(times)
    return {"n": len(times), "p50": statistics.median(times),
            "p95": times[int(0.95 * (len(times) - 1))], "p99": times[int(0.99 * (len(times) - 1))]}


def measure_e2e(db: Database, questions, now, count: int) -> dict:
    """Through the sandbox over HTTP: @mention sent -> reply in the thread."""
    from bot.config import Settings
    from bot.console import start_stack

    clock.install(SetClock(now))  # the questions' "yesterday" is the seeded data's
    sb, running, _ = start_stack(Settings.from_env({}), db=db)
    times = []
    try:
        for _, q, _ in random.Random(3).sample(questions, min(count, len(questions))):
            started = time.perf_counter()
            delivery = sb.mention(q, user="U0SALES1", channel="C0ORDERS")
            ts = delivery.payload["event"]["ts"]
            sb.wait_for(lambda ts=ts: sb.thread("C0ORDERS", ts), timeout=30)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        running.stop()
        sb.stop()
    return _stats(times)


def report(label: str, results: dict[str, dict], e2e: dict | None) -> None:
    print(f"\n{label}")
    print(f"  {'question kind':<24}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  right")
    for kind, r in results.items():
        print(f"  {kind:<24}{r['n']:>5}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
              f"  {r['right']:>5}")
    if e2e:
        print(f"  {'e2e via sandbox':<24}{e2e['n']:>5}{e2e['p50']:>9.1f}{e2e['p95']:>9.1f}"
              f"{e2e['p99']:>9.1f}")


def run(backend: str, orders: int, queries: int, e2e: int, pg_base: str = DEFAULT_PG) -> dict:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    print(f"{label}: {orders:,} orders")
    db = seeded(backend, orders, pg_base)
    started = time.perf_counter()
    snap = snapshot(db)
    print(f"  fuzzy index: {len(snap.names):,} names, built in "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    questions, now = sample(db, queries)
    results = measure(db, questions, now)
    e2e_result = measure_e2e(db, questions, now, e2e) if e2e else None
    report(f"{label}, {orders:,} orders, asked at {now:%Y-%m-%d %H:%M} UTC", results, e2e_result)
    db.dispose()
    return {"answer": results, "e2e": e2e_result}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="?", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--e2e", type=int, default=60, help="questions through the sandbox")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    args = parser.parse_args(argv)
    if args.db in ("sqlite", "both"):
        run("sqlite", args.orders, args.queries, args.e2e, args.pg_url)
    if args.db in ("postgresql", "both"):  # e2e goes through the in-process stack: SQLite only
        run("postgresql", args.orders, args.queries, 0, args.pg_url)


if __name__ == "__main__":
    main()
