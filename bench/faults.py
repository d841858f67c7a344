"""Faults under traffic, with an exactly-once audit after each (issue 8).

    .venv/bin/python bench/faults.py [--db sqlite|postgresql|both] [--fault-seconds 60]
        [--orders 2000] [--scenarios slack,postgres,kill] [--threads 4]
        [--pg-url postgresql://root@127.0.0.1:5440/postgres] [--pg-cluster 15/faults]

Runs the real stack (bench/stack.py): the Slack sandbox in this process, `orderdesk serve`
(gunicorn) and `orderdesk clock` as subprocesses, on a freshly seeded database per scenario,
with a steady mix of signed traffic (intake POSTs, /order lookups, edit modals, flags, "Take
it" clicks on triage parents). Scenarios:

  slack     every Web API call answers 429 (Retry-After) or 503, alternating each second,
            for --fault-seconds; then: time until the outbox drained.
  postgres  the PostgreSQL cluster --pg-cluster (YOUR OWN, never the shared one: it is
            stopped) goes away for --fault-seconds / 4 mid-traffic; what the requests got
            meanwhile, and how long until the app answered again. PostgreSQL only.
  kill      SIGKILL of the web process group (master + workers) and of the clock, in turn,
            while intake/edits are in flight, the outbox is delivering and the clock is
            posting 30 owed daily digests (Slack slowed to 150 ms a call so work is in
            flight); each is restarted at once.

Each ends with the audit (bench/audit.py): every accepted order, edit, flag and click
present once, every discrepancy posted once, the outbox drained, each digest period posted
once; Slack posts we sent but have no record of ("unrecorded_extra": the known limit of a
post Slack took whose ts we never stored) are counted, not hidden. Prints a table per
database and writes bench/out/faults.json. Exits 1 if an audit failed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime

from audit import audit, audit_failures, wait_drained
from stack import OUT, Stack, fresh_database, load_average
from traffic import Desk, Traffic, percentile, status_counts

DRAIN_TIMEOUT_S = 420  # the outbox backs off up to 300 s; a lease is 60 s


def scenario_slack(stack: Stack, desk: Desk, args) -> dict:
    traffic = Traffic(desk, threads=args.threads).start()
    time.sleep(args.warmup)
    before = len(desk.ledger.answers)
    started = time.monotonic()
    while time.monotonic() - started < args.fault_seconds:
        # alternate: a second of 429 + Retry-After, a second of 503, for every method
        status = 429 if int(time.monotonic() - started) % 2 == 0 else 503
        stack.sb.faults.clear()
        stack.sb.faults.add("*", status=status, retry_after=1, until=time.monotonic() + 1.0)
        time.sleep(1.0)
    stack.sb.faults.clear()
    during = desk.ledger.answers[before:]
    time.sleep(args.warmup)
    traffic.stop()
    failed_calls = [c for c in stack.sb.calls() if not c.ok and c.status in (429, 503)]
    drain = wait_drained(stack.db, DRAIN_TIMEOUT_S)
    return {"requests_during_fault": len(during),
            "answers_during_fault": status_counts(during),
            "ack_p99_ms_during_fault": round(percentile([a.ms for a in during], 99), 1),
            "web_api_calls_failed_by_fault": len(failed_calls),
            "drain_s_after_traffic": None if drain is None else round(drain, 1)}


def scenario_postgres(stack: Stack, desk: Desk, args) -> dict:
    version, name = args.pg_cluster.split("/")
    outage = max(3.0, args.fault_seconds / 4)
    health: list[tuple[float, bool]] = []
    watching = threading.Event()

    def watch() -> None:
        while not watching.is_set():
            health.append((time.monotonic(), stack.healthy()))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    traffic = Traffic(desk, threads=args.threads).start()
    time.sleep(args.warmup)
    before = len(desk.ledger.answers)
    down_at = time.monotonic()
    subprocess.run(["pg_ctlcluster", version, name, "stop", "-m", "immediate"], check=True)
    time.sleep(outage)
    up_at = time.monotonic()
    subprocess.run(["pg_ctlcluster", version, name, "start"], check=True)
    pg_ready = time.monotonic()
    time.sleep(max(args.warmup, 5))
    during = [a for a in desk.ledger.answers[before:]]
    traffic.stop()
    watching.set()
    watcher.join()
    healthy_again = next((t for t, ok in health if t > pg_ready and ok), None)
    first_ok_intake = _first_accepted_after(desk, before, pg_ready)
    refused = [a for a in during if not a.accepted]
    drain = wait_drained(stack.db, DRAIN_TIMEOUT_S)
    return {"outage_s": round(up_at - down_at, 1),
            "requests_from_stop_until_5s_after_start": len(during),
            "answers": status_counts(during),
            "refused": len(refused),
            "refused_without_an_answer": sum(1 for a in refused if a.status == 0),
            "healthz_200_s_after_pg_start": None if healthy_again is None
            else round(healthy_again - pg_ready, 1),
            "first_accepted_intake_s_after_pg_start": first_ok_intake,
            "drain_s_after_traffic": None if drain is None else round(drain, 1)}


def _first_accepted_after(desk: Desk, index: int, since: float) -> float | None:
    times = [a.at for a in desk.ledger.answers[index:] if a.kind == "intake" and a.accepted
             and a.at > since]
    return round(min(times) - since, 1) if times else None


def scenario_kill(stack: Stack, desk: Desk, args) -> dict:
    stack.sb.faults.add("*", delay_ms=150, until=time.monotonic() + 10 ** 6)
    traffic = Traffic(desk, threads=args.threads,
                      mix={"intake": 4, "edit": 3, "flag": 1, "take": 1, "lookup": 1}).start()
    time.sleep(args.warmup)
    kills, restarts = [], []
    started = time.monotonic()
    step = max(2.0, args.fault_seconds / 6)
    turn = 0
    while time.monotonic() - started < args.fault_seconds:
        time.sleep(step)
        work = _work_in_progress(stack)
        if turn % 2 == 0:  # the clock first, while it is still posting the owed digests
            stack.kill_clock()
            stack.start_clock()
            kills.append({"clock": work})
        else:
            stack.kill_web()
            restarts.append(round(stack.start_web(), 1))
            kills.append({"web": work})
        turn += 1
    time.sleep(args.warmup)
    traffic.stop()
    stack.sb.faults.clear()
    drain = wait_drained(stack.db, DRAIN_TIMEOUT_S)
    unanswered = sum(1 for a in desk.ledger.answers if a.status == 0)
    return {"kills": kills, "web_restart_s": restarts,
            "requests_without_an_answer": unanswered,
            "drain_s_after_traffic": None if drain is None else round(drain, 1)}


def _work_in_progress(stack: Stack) -> str:
    """What was under way when a process was killed: digests posted/claimed, outbox pending."""
    from sqlalchemy import func, select

    from store.models import DigestRun, OutboxMessage

    with stack.db.read() as s:
        runs = dict(s.execute(select(DigestRun.status, func.count()).group_by(
            DigestRun.status)).all())
        pending = s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == "pending"))
    runs = {str(getattr(k, "value", k)): v for k, v in runs.items()}
    return (f"digests posted {runs.get('posted', 0)}, claimed {runs.get('claimed', 0)}; "
            f"outbox pending {pending}")


SCENARIOS = {"slack": scenario_slack, "postgres": scenario_postgres, "kill": scenario_kill}


def run(kind: str, scenario: str, args) -> dict:
    name = f"od_faults_{scenario}" if kind == "postgresql" else f"faults_{scenario}"
    url = fresh_database(kind, name=name, orders=args.orders, pg_base=args.pg_url,
                         digest_days=30 if scenario == "kill" else 0)
    with Stack(url, name=f"faults-{kind}-{scenario}") as stack:
        desk = Desk(stack)
        started = time.monotonic()
        result = SCENARIOS[scenario](stack, desk, args)
        if scenario == "kill":  # give the restarted clock a minute to finish the digests
            _wait_digests(stack, timeout=120)
        answers = desk.ledger.answers
        result.update(
            requests=len(answers), accepted=sum(a.accepted for a in answers),
            wall_s=round(time.monotonic() - started, 1),
            audit=audit(stack, desk.ledger))
        result["audit_failures"] = audit_failures(result["audit"])
        result["sender_errors"] = dict(Counter(a.kind for a in answers if a.status == -1))
        result["answers_by_kind"] = {k: status_counts([a for a in answers if a.kind == k])
                                     for k in sorted({a.kind for a in answers})}
    return result


def _wait_digests(stack: Stack, timeout: float, want: int = 30) -> None:
    """Until the `want` owed digests are posted, or no more get posted for 15 s (a run claimed
    by a killed clock waits STALE_AFTER, 15 min, before another clock retakes it)."""
    from sqlalchemy import func, select

    from store.models import DigestRun

    deadline, last, since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < 15:
        with stack.db.read() as s:
            posted = s.scalar(select(func.count()).select_from(DigestRun).where(
                DigestRun.status == "posted"))
        if posted >= want:
            return
        if posted != last:
            last, since = posted, time.monotonic()
        time.sleep(1)


def print_table(kind: str, results: dict[str, dict]) -> None:
    print(f"\n{kind}: faults under traffic")
    for scenario, r in results.items():
        a = r["audit"]
        print(f"  {scenario}: {r['requests']} requests, {r['accepted']} accepted, "
              f"wall {r['wall_s']} s")
        for key, value in r.items():
            if key not in ("audit", "requests", "accepted", "wall_s"):
                print(f"    {key}: {value}")
        print("    audit:")
        for section, figures in a.items():
            print(f"      {section:<14} " + ", ".join(f"{k} {v}" for k, v in figures.items()))
        print(f"    audit {'FAILED: ' + ', '.join(r['audit_failures']) if r['audit_failures'] else 'passed: 0 lost, 0 duplicated'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--fault-seconds", type=float, default=60)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--scenarios", default="slack,postgres,kill")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--pg-url", default="postgresql://root@127.0.0.1:5440/postgres")
    parser.add_argument("--pg-cluster", default="15/faults")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    report = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
              "load_before": load_average(), "args": vars(args), "results": {}}
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    failed = False
    for kind in kinds:
        results = {}
        for scenario in args.scenarios.split(","):
            if scenario == "postgres" and kind != "postgresql":
                continue
            results[scenario] = run(kind, scenario, args)
            failed |= bool(results[scenario]["audit_failures"])
        report["results"][kind] = results
        print_table(kind, results)
    report["load_after"] = load_average()
    (OUT / "faults.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"\nload average before/after: {report['load_before']} / {report['load_after']}; "
          f"written {OUT / 'faults.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
