"""bench/run.py's comparison with the previous results file: which figures got worse or better
by more than 10 %, each read the right way round (made-up figures)."""

from __future__ import annotations

import json

from bench.report import compare, figures, render_comparison, render_targets


def _run(*, p99: float, rps: float, lines_per_s: float, digest_s: float, n: int) -> dict:
    return {
        "machine": {"date": "2026-12-01 06:00 UTC", "commit": "abc1234"},
        "profile": {"orders": 20_000}, "started_load": [1.5],
        "by_db": {"sqlite": {
            "section_s": {"import": 99.0},
            "roundtrip": {"senders": {20: {"ours": {"p50": 40.0, "p99": p99, "rps": rps,
                                                    "errors": 0}}}},
            "digest": {"warm": digest_s, "month": n},
            "import": {"lines_per_s": lines_per_s, "lines": n, "raw_seconds": 1.0},
        }},
    }


def test_each_figure_is_read_the_right_way_round():
    kinds = figures(_run(p99=100, rps=300, lines_per_s=6_000, digest_s=1.0, n=5))
    assert kinds["sqlite/roundtrip/senders/20/ours/p99"] == (100.0, -1)
    assert kinds["sqlite/roundtrip/senders/20/ours/rps"] == (300.0, +1)
    assert kinds["sqlite/import/lines_per_s"] == (6_000.0, +1)
    # counts, the time a section took and the raw figures' own seconds are not figures to judge
    assert not any(k.endswith(("/month", "/lines", "/import", "/raw_seconds")) for k in kinds)


def test_worse_and_better_beyond_ten_percent_are_reported():
    before = _run(p99=100, rps=300, lines_per_s=6_000, digest_s=1.0, n=5)
    # p99 up 20 % (worse), rps down 5 % (noise), import rate up 50 % (better), digest
    # down 30 % (better); the section's own time and the counts changed but don't count.
    after = _run(p99=120, rps=285, lines_per_s=9_000, digest_s=0.7, n=9)
    after["by_db"]["sqlite"]["section_s"]["import"] = 10.0
    # the previous run comes from its JSON file: the senders' keys are strings there
    result = compare(json.loads(json.dumps(before)), after)
    assert [name for name, *_ in result["regressions"]] == [
        "sqlite/roundtrip/senders/20/ours/p99"]
    assert [name for name, *_ in result["improvements"]] == [
        "sqlite/digest/warm", "sqlite/import/lines_per_s"]
    _, old, new, change = result["regressions"][0]
    assert (old, new) == (100.0, 120.0) and round(change, 2) == -0.20


def test_the_report_names_the_previous_run_and_says_none_when_nothing_moved():
    same = _run(p99=100, rps=300, lines_per_s=6_000, digest_s=1.0, n=5)
    text = render_comparison(same, same)
    assert "commit `abc1234`" in text
    assert "**Regressions** (> 10% worse): none" in text
    assert "**Improvements** (> 10% better): none" in text
    worse = render_comparison(same, _run(p99=100, rps=150, lines_per_s=6_000, digest_s=1.0,
                                         n=5))
    assert "- sqlite/roundtrip/senders/20/ours/rps: 300 → 150 (50% worse)" in worse


def test_the_targets_table_says_which_are_met():
    def db(*, p50: float, p99: float, rps: float, lines: float, warm: float, seed: float) -> dict:
        return {"seed": {"seconds": seed},
                "roundtrip": {"senders": {20: {"ours": {"p50": p50, "p99": p99, "rps": rps},
                                               "baseline": {"p50": 20.0, "p99": 30.0,
                                                            "rps": 1_200.0}}}},
                "digest": {"warm": warm, "baseline": 1.0},
                "import": {"lines_per_s": lines}}

    results = {"profile": {"orders": 1_000_000}, "by_db": {
        "sqlite": db(p50=39, p99=89, rps=650, lines=21_000, warm=1.4, seed=110),
        "postgresql": db(p50=41, p99=89, rps=550, lines=14_000, warm=1.6, seed=130)}}
    rows = {line.split(" | ")[0].lstrip("| "): line
            for line in render_targets(json.loads(json.dumps(results))).splitlines()
            if line.startswith("| ") and "---" not in line}
    assert "39 / 89 ms = 1.9× / 3.0× ✅" in rows["`/order` round trip, 20 senders: p50 / p99 "
                                              "against the no-op app"]
    # p50 2.05× is over 2×, though p99 is within 3× and 100 ms
    assert "2.0× / 3.0× ❌" in rows["`/order` round trip, 20 senders: p50 / p99 against the "
                                   "no-op app"]
    assert rows["throughput at 20 senders"].count("✅") == 1
    assert "21,000 lines/s ✅" in rows["import with checks"]
    assert "14,000 lines/s ❌" in rows["import with checks"]  # PostgreSQL's target is 15,000
    assert "1.40 s = 1.4× ✅" in rows["monthly digest, warm, against one hand-written aggregate"]
    assert "110 s ✅" in rows["seed 1,000,000 orders"] and "130 s ❌" in rows[
        "seed 1,000,000 orders"]
