"""bench/run.py's scale-out rows (bench/report.py): PostgreSQL's figures and audit verdict,
SQLite said to be one machine's file (made-up figures, as read back from the JSON file)."""

from __future__ import annotations

from bench.report import render_markdown


def _results(failures: list[str]) -> dict:
    point = {"p50": 60.0, "p99": 200.0, "rps": 250.0}
    scaleout = {
        "throughput": {"median": {"1": point, "2": {"p50": 70.0, "p99": 260.0, "rps": 240.0}}},
        "duplicates": {"audit_failures": failures,
                       "digest_claims_by_clock": {"vm:11": 18, "vm:12": 12},
                       "audit": {"posts": {"slack_accepted": 1234},
                                 "digests": {"runs": {"posted": 30}}}}}
    return {"machine": {"cpu": "2 × x", "memory_gib": 4, "os": "Linux", "python": "3.11",
                        "sqlite": "3.40", "postgresql": "15", "date": "2026-12-06",
                        "commit": "abc1234"},
            "profile": {"orders": 20_000, "senders": [20]}, "started_load": [2.0],
            "ended_load": [3.0], "seconds": 60.0,
            "by_db": {"sqlite": {"seed": None, "size_mb": 10.0},
                      "postgresql": {"seed": None, "size_mb": 20.0, "scaleout": scaleout}}}


def _row(table: str, start: str) -> list[str]:
    (line,) = [x for x in table.splitlines() if x.startswith(f"| {start}")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_two_processes_are_compared_with_one_and_sqlite_has_nothing_to_scale_to():
    table = render_markdown(_results([]))
    label, sqlite, pg, _ = _row(table, "`/order`, 20 senders, 2 web processes")
    assert sqlite == "—, one machine's file"
    assert pg == "240 vs 250 req/s = 0.96×; 70 / 260 vs 60 / 200 ms"
    _, sqlite, pg, budget = _row(table, "2 web processes + 2 clocks")
    assert sqlite == "—, one machine's file"
    assert pg == ("0 duplicated, 0 lost ✅ (1,234 posts; 30 digest periods, each once, "
                  "claimed 12 + 18 by the two clocks)")
    assert budget == "0 duplicated, 0 lost"


def test_a_failed_audit_is_shown_as_failed():
    table = render_markdown(_results(["posts.repeated_beyond_known_limit=2"]))
    _, _, pg, _ = _row(table, "2 web processes + 2 clocks")
    assert pg.startswith("FAILED: posts.repeated_beyond_known_limit=2 ❌")
