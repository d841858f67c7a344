"""A long soak of mixed traffic against the real web process (issue 8).

    .venv/bin/python bench/soak.py [--db sqlite|postgresql|both] [--requests 5000]
        [--orders 20000] [--threads 4] [--windows 10]
        [--pg-url postgresql://root@127.0.0.1:5432/postgres]

The stack of bench/stack.py (Slack sandbox in this process, `orderdesk serve` and
`orderdesk clock` as subprocesses) on a freshly seeded database (od_soak on PostgreSQL,
bench/out/soak.sqlite3), then --requests signed requests from --threads senders: /order
lookups, edits (the modal opened, then submitted), flags, "Take it" clicks on triage parents
and @orderdesk questions (events). Reports the error rate (answers other than 2xx), p50/p99 of
the acks per window of requests and the p99 drift (last window over first), the web
processes' resident memory (VmRSS of gunicorn's master and workers) at start and end, and the
exactly-once audit of what was accepted. Prints a table, writes bench/out/soak.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime

from audit import audit, audit_failures, wait_drained
from stack import OUT, Stack, fresh_database, load_average
from traffic import Desk, Traffic, percentile, status_counts

MIX = {"lookup": 4, "edit": 2, "flag": 1, "take": 1, "question": 2}


def run(kind: str, args) -> dict:
    name = "od_soak" if kind == "postgresql" else "soak"
    url = fresh_database(kind, name=name, orders=args.orders, pg_base=args.pg_url)
    with Stack(url, name=f"soak-{kind}") as stack:
        desk = Desk(stack)
        rss_start = stack.web_rss_mb()
        started = time.monotonic()
        traffic = Traffic(desk, threads=args.threads, mix=MIX, limit=args.requests,
                          pause_s=0.0).start()
        # the first window warms the workers (search index, templates): RSS there, too
        warm = args.requests // args.windows
        while len(desk.ledger.answers) < warm and any(w.is_alive() for w in traffic.workers):
            time.sleep(0.1)
        rss_warm = stack.web_rss_mb()
        traffic.join()
        wall = time.monotonic() - started
        rss_end = stack.web_rss_mb()
        drain = wait_drained(stack.db, 300)
        answers = sorted(desk.ledger.answers[:args.requests], key=lambda a: a.at)
        unsent = sum(1 for a in answers if a.kind == "edit_not_sent")
        answers = [a for a in answers if a.kind != "edit_not_sent"]
        size = max(1, len(answers) // args.windows)
        windows = []
        for i in range(args.windows):
            chunk = answers[i * size:(i + 1) * size]
            if not chunk:
                break
            ms = [a.ms for a in chunk]
            windows.append({"requests": len(chunk), "p50_ms": round(percentile(ms, 50), 1),
                            "p99_ms": round(percentile(ms, 99), 1),
                            "errors": sum(1 for a in chunk if a.status not in (200, 201))})
        errors = sum(1 for a in answers if a.status not in (200, 201))
        result = {
            "requests": len(answers), "wall_s": round(wall, 1),
            "edits_not_sent_by_slacks_client": unsent,
            "req_per_s": round(len(answers) / wall, 1),
            "error_rate": round(errors / len(answers), 4), "errors": errors,
            "answers": status_counts(answers),
            "error_details": dict(Counter(f"{a.kind} {a.status}: {a.detail}" for a in answers
                                          if a.status not in (200, 201)).most_common(5)),
            "by_kind": {k: {"n": len(v), "p50_ms": round(percentile(v, 50), 1),
                            "p99_ms": round(percentile(v, 99), 1)}
                        for k in sorted({a.kind for a in answers})
                        for v in [[a.ms for a in answers if a.kind == k]]},
            "windows": windows,
            "p99_drift": round(windows[-1]["p99_ms"] / windows[0]["p99_ms"], 2),
            "rss_mb_start": {str(k): round(v, 1) for k, v in rss_start.items()},
            "rss_mb_end": {str(k): round(v, 1) for k, v in rss_end.items()},
            "rss_mb_after_first_window": {str(k): round(v, 1) for k, v in rss_warm.items()},
            "rss_growth_mb": round(sum(rss_end.values()) - sum(rss_start.values()), 1),
            "rss_growth_after_first_window_mb": round(
                sum(rss_end.values()) - sum(rss_warm.values()), 1),
            "drain_s": None if drain is None else round(drain, 1),
            "audit": audit(stack, desk.ledger),
        }
        result["audit_failures"] = audit_failures(result["audit"])
    return result


def print_table(kind: str, r: dict) -> None:
    print(f"\n{kind}: soak, {r['requests']} requests in {r['wall_s']} s "
          f"({r['req_per_s']} req/s), error rate {r['error_rate']:.2%} {r['answers']}; "
          f"{r['edits_not_sent_by_slacks_client']} edit(s) Slack's client would not send")
    for what, n in r["error_details"].items():
        print(f"  {n} x {what}")
    print(f"  {'window':>6} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for i, w in enumerate(r["windows"], 1):
        print(f"  {i:>6} {w['requests']:>8} {w['p50_ms']:>8} {w['p99_ms']:>8} {w['errors']:>6}")
    print(f"  p99 drift (last window / first): {r['p99_drift']}x")
    for kind_name, figures in r["by_kind"].items():
        print(f"  {kind_name:<12} n {figures['n']:>5}  p50 {figures['p50_ms']:>7} ms  "
              f"p99 {figures['p99_ms']:>7} ms")
    start, warm, end = r["rss_mb_start"], r["rss_mb_after_first_window"], r["rss_mb_end"]
    print(f"  web RSS MB (master + workers): start {sum(start.values()):.0f} "
          f"{list(start.values())}, after window 1 {sum(warm.values()):.0f}, end "
          f"{sum(end.values()):.0f} {list(end.values())}; growth {r['rss_growth_mb']} MB, "
          f"{r['rss_growth_after_first_window_mb']} MB after window 1")
    print(f"  outbox drained {r['drain_s']} s after the last request")
    for section, figures in r["audit"].items():
        print(f"  audit {section:<14} " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    print(f"  audit {'FAILED: ' + ', '.join(r['audit_failures']) if r['audit_failures'] else 'passed: 0 lost, 0 duplicated'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--windows", type=int, default=10)
    parser.add_argument("--pg-url", default="postgresql://root@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    report = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
              "load_before": load_average(), "args": vars(args), "results": {}}
    failed = False
    for kind in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        result = report["results"][kind] = run(kind, args)
        failed |= bool(result["audit_failures"])
        print_table(kind, result)
    report["load_after"] = load_average()
    (OUT / "soak.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"\nload average before/after: {report['load_before']} / {report['load_after']}; "
          f"written {OUT / 'soak.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
