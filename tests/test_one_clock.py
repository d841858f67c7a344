"""Only store/clock.py reads the wall clock: every other "now" and "today" asks it, so a check,
a digest and a reply agree on what time it is and a test can set it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("bot", "handlers", "jobs", "messages", "store")
THE_CLOCK = ROOT / "store" / "clock.py"
# module.attribute calls that read the wall clock (time.monotonic/perf_counter measure
# durations, not dates, and stay allowed)
WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
              ("date", "today"), ("time", "time"), ("time", "time_ns"), ("time", "localtime"),
              ("time", "gmtime"), ("time", "ctime")}


def wall_clock_reads(source: str) -> list[str]:
    """`name.attr(...)` calls in `source` that read the wall clock, as 'line: name.attr'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in WALL_CLOCK:
                found.append(f"{node.lineno}: {name}.{node.func.attr}")
    return found


def test_no_module_but_the_clock_reads_the_wall_clock():
    offenders = [f"{path.relative_to(ROOT)}:{hit}"
                 for package in PRODUCT if (ROOT / package).is_dir()
                 for path in sorted((ROOT / package).rglob("*.py")) if path != THE_CLOCK
                 for hit in wall_clock_reads(path.read_text(encoding="utf-8"))]
    assert offenders == [], "read the time from store.clock instead:\n" + "\n".join(offenders)


def test_the_scan_finds_each_way_of_reading_the_wall_clock():
    source = ("import datetime, time\nfrom datetime import date, datetime as dt\n"
              "a = datetime.datetime.now()\nb = date.today()\nc = time.time()\n"
              "d = datetime.datetime.utcnow()\ne = time.monotonic()\n")
    assert wall_clock_reads(source) == ["3: datetime.now", "4: date.today", "5: time.time",
                                        "6: datetime.utcnow"]
