"""Two people changing one order at the same moment, 20 times per scenario: edit vs ship,
ship vs ship, cancel vs ship, return vs return, allocate vs allocate (bench/races.py builds
and checks each run). After every run the lines and the stock add up, and nobody met a
deadlock; `pytest -s` (or `bench/races.py`) prints the counts."""

import pytest

from bench.races import RUNS, SCENARIOS, run_scenario


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_racing_changes_keep_lines_and_stock_consistent(db, scenario):
    tally = run_scenario(db, scenario, RUNS)
    print(tally.line(db.dialect))
    assert tally.runs == RUNS
    assert tally.bad == 0, tally.examples[:3]
