"""The table bench/run.py prints and writes into docs/benchmarks.md (pure: results in, text out)."""

from __future__ import annotations

import re
from pathlib import Path

BEGIN, END = "<!-- bench/run.py: begin -->", "<!-- bench/run.py: end -->"
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
LOOKUP_KINDS = (("exact ref", "exact ref", 30.0), ("PO", "PO number", None),
                ("SKU", "SKU", None), ("customer name ~typo", "customer name with a typo", 50.0))
ROUNDTRIP_P99_BUDGET_MS = 300.0
DIGEST_BUDGET_S = {"sqlite": 2.0, "postgresql": 1.0}
WEB_RSS_BUDGET_MB = 500.0
# Issue 23's targets: the distance to what Bolt itself costs and to the database's bulk speed.
TARGET_ROUNDTRIP_RATIO = (2.0, 3.0)  # p50, p99 against the no-op app, 20 senders
TARGET_ROUNDTRIP_P99_MS = 100.0
TARGET_RPS = 600.0
CORES = 2  # the machine: what the CPU per request is measured against
TARGET_IMPORT_LINES_PER_S = {"sqlite": 20_000.0, "postgresql": 15_000.0}
TARGET_DIGEST_RATIO = 1.5
TARGET_SEED_S = 120.0


def render_markdown(results: dict) -> str:
    m, p = results["machine"], results["profile"]
    by_db = results["by_db"]
    dbs = list(by_db)
    head = [
        f"## Latest run: `bench/run.py`{' --quick' if p['orders'] < 1_000_000 else ''}, "
        f"{p['orders']:,} orders",
        "",
        f"Machine: {m['cpu']}, {m['memory_gib']} GiB, {m['os']}; Python {m['python']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql']} on the same host.  ",
        f"Run: {m['date']}, commit `{m['commit']}`, load average "
        f"{results['started_load'][0]:.1f} at the start and {results['ended_load'][0]:.1f} at "
        f"the end, {results['seconds']:,.0f} s in all.",
        "",
        "| measure | " + " | ".join(LABELS[d] for d in dbs) + " | budget |",
        "|---|" + "---|" * len(dbs) + "---|",
    ]
    rows: list[list[str]] = []

    def row(label: str, cell, budget: str = "") -> None:
        rows.append([label, *(cell(d, by_db[d]) for d in dbs), budget])

    row(f"seed {p['orders']:,} orders (when the dataset was made)", _seed)
    row("database size after seeding", lambda d, r: f"{r['size_mb']:,.0f} MB")
    if _any(by_db, "lookup"):
        for key, label, budget in LOOKUP_KINDS:
            row(f"lookup in process, {label}: p50 / p95 / p99", _lookup(key, budget),
                f"p95 ≤ {budget:.0f} ms" if budget else "")
    if _any(by_db, "roundtrip"):
        for senders in p["senders"]:
            budget = f"p99 ≤ {ROUNDTRIP_P99_BUDGET_MS:.0f} ms" if senders == 20 else ""
            row(f"`/order` over HTTP, {senders} sender{'s' * (senders > 1)}: p50 / p99, req/s",
                _roundtrip(senders, "ours"), budget)
            row(f"  baseline, Bolt app that only acks, {senders} sender{'s' * (senders > 1)}",
                _roundtrip(senders, "baseline"))
            row("  ratio to the baseline, p50 / p99", _ratio(senders))
            if senders == 20:
                row("  CPU per request, 20 senders: web + database + load generator (no-op's)",
                    _cpu_split, f"≤ {CORES * 1000 / TARGET_RPS:.1f} ms for "
                    f"{TARGET_RPS:,.0f} req/s on {CORES} cores")
        row("web processes' RSS, master + workers (baseline)", _web_rss,
            f"≤ {WEB_RSS_BUDGET_MB:.0f} MB")
    if _any(by_db, "threads"):
        row("thread question answered, in process: p50 / p99", _thread("answer"))
        row("thread question through the sandbox, mention → reply: p50 / p99", _thread("e2e"))
    if _any(by_db, "digest"):
        row("monthly digest with chart: warm (cold)", _digest, "≤ 2 s SQLite, ≤ 1 s PostgreSQL")
        row("  baseline, one hand-written aggregate over the month; ratio", _digest_baseline)
    if _any(by_db, "import"):
        row(f"import with checks, {p['import_orders']:,} orders (raw: the same rows by "
            "executemany / COPY)", _import)
    if _any(by_db, "clock"):
        row("clock process after posting a monthly digest: RSS (own memory, mmap'd file pages)",
            _clock)
    if _any(by_db, "scaleout"):
        row("`/order`, 20 senders, 2 web processes on one database vs 1: req/s; p50 / p99",
            _scaleout_throughput)
        row("2 web processes + 2 clocks, traffic that posts: exactly-once audit",
            _scaleout_audit, "0 duplicated, 0 lost")
    table = "\n".join(head + ["| " + " | ".join(r) + " |" for r in rows]) + "\n"
    return table + render_targets(results)


def render_targets(results: dict) -> str:
    """Issue 23's table: each target next to this run's figure, met (✅) or not (❌)."""
    by_db = results["by_db"]
    dbs = list(by_db)
    rows = [
        ("`/order` round trip, 20 senders: p50 / p99 against the no-op app",
         _target_roundtrip, f"≤ {TARGET_ROUNDTRIP_RATIO[0]:.0f}× / ≤ "
         f"{TARGET_ROUNDTRIP_RATIO[1]:.0f}×, p99 ≤ {TARGET_ROUNDTRIP_P99_MS:.0f} ms"),
        ("throughput at 20 senders", _target_rps, f"≥ {TARGET_RPS:,.0f} req/s"),
        ("import with checks", _target_import, "≥ 20,000 lines/s SQLite, ≥ 15,000 PostgreSQL"),
        ("monthly digest, warm, against one hand-written aggregate", _target_digest,
         f"≤ {TARGET_DIGEST_RATIO}× on both"),
        (f"seed {results['profile']['orders']:,} orders", _target_seed,
         f"≤ {TARGET_SEED_S:.0f} s"),
    ]
    lines = ["", "### Issue 23's targets in this run", "",
             "| figure | " + " | ".join(LABELS[d] for d in dbs) + " | target |",
             "|---|" + "---|" * len(dbs) + "---|"]
    lines += ["| " + " | ".join([label, *(cell(d, by_db[d]) for d in dbs), target]) + " |"
              for label, cell, target in rows]
    return "\n".join(lines) + "\n"


def _met(ok: bool) -> str:
    return " ✅" if ok else " ❌"


def _at_20(r: dict) -> dict | None:
    if _missing(r, "roundtrip"):
        return None
    senders = r["roundtrip"]["senders"]
    return senders.get(20) or senders.get("20")  # a results file read back has string keys


def _target_roundtrip(d: str, r: dict) -> str:
    x = _at_20(r)
    if not x:
        return "—"
    p50 = x["ours"]["p50"] / x["baseline"]["p50"]
    p99 = x["ours"]["p99"] / x["baseline"]["p99"]
    ok = (p50 <= TARGET_ROUNDTRIP_RATIO[0] and p99 <= TARGET_ROUNDTRIP_RATIO[1]
          and x["ours"]["p99"] <= TARGET_ROUNDTRIP_P99_MS)
    return (f"{x['ours']['p50']:.0f} / {x['ours']['p99']:.0f} ms = {p50:.1f}× / {p99:.1f}×"
            f"{_met(ok)}")


def _target_rps(d: str, r: dict) -> str:
    x = _at_20(r)
    if not x:
        return "—"
    return (f"{x['ours']['rps']:,.0f} req/s (no-op {x['baseline']['rps']:,.0f})"
            f"{_met(x['ours']['rps'] >= TARGET_RPS)}")


def _target_import(d: str, r: dict) -> str:
    if _missing(r, "import"):
        return "—"
    rate = r["import"]["lines_per_s"]
    return f"{rate:,.0f} lines/s{_met(rate >= TARGET_IMPORT_LINES_PER_S[d])}"


def _target_digest(d: str, r: dict) -> str:
    if _missing(r, "digest"):
        return "—"
    x = r["digest"]
    ratio = x["warm"] / x["baseline"]
    return f"{x['warm']:.2f} s = {ratio:.1f}×{_met(ratio <= TARGET_DIGEST_RATIO)}"


def _target_seed(d: str, r: dict) -> str:
    seed = r.get("seed")
    if not seed:
        return "not recorded"
    return f"{seed['seconds']:,.0f} s{_met(seed['seconds'] <= TARGET_SEED_S)}"


def write_docs(path: Path, table: str) -> None:
    """Put the table between the markers, keeping the hand-written text around them."""
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text = text.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    block = f"{BEGIN}\n{table}{END}"
    path.write_text(re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text,
                           flags=re.S))


def _any(by_db: dict, section: str) -> bool:
    return any(section in r for r in by_db.values())


def _missing(r: dict, section: str) -> bool:
    return not r.get(section)


def _verdict(value: float, budget: float | None) -> str:
    if budget is None:
        return ""
    return " ✅" if value <= budget else " ❌"


def _seed(d: str, r: dict) -> str:
    seed = r.get("seed")
    if not seed:
        return "not recorded"
    return f"{seed['seconds']:,.0f} s ({seed['seeded_at'][:10]})"


def _lookup(key: str, budget: float | None):
    def cell(d: str, r: dict) -> str:
        if _missing(r, "lookup") or key not in r["lookup"]:
            return "—"
        x = r["lookup"][key]
        return (f"{x['p50']:.1f} / {x['p95']:.1f} / {x['p99']:.1f} ms"
                f"{_verdict(x['p95'], budget)}")
    return cell


def _roundtrip(senders: int, who: str):
    def cell(d: str, r: dict) -> str:
        if _missing(r, "roundtrip"):
            return "—"
        x = r["roundtrip"]["senders"][senders][who]
        budget = ROUNDTRIP_P99_BUDGET_MS if senders == 20 and who == "ours" else None
        errors = f", {x['errors']} errors" if x["errors"] else ""
        return (f"{x['p50']:.0f} / {x['p99']:.0f} ms, {x['rps']:,.0f} req/s{errors}"
                f"{_verdict(x['p99'], budget)}")
    return cell


def _ratio(senders: int):
    def cell(d: str, r: dict) -> str:
        if _missing(r, "roundtrip"):
            return "—"
        x = r["roundtrip"]["senders"][senders]
        return (f"{x['ours']['p50'] / x['baseline']['p50']:.1f}× / "
                f"{x['ours']['p99'] / x['baseline']['p99']:.1f}×")
    return cell


def _cpu_split(d: str, r: dict) -> str:
    x = _at_20(r)
    if not x or "database_cpu_ms" not in x["ours"]:  # results files before it was measured
        return "—"

    def split(y: dict) -> str:
        return (f"{y['cpu_ms'] + y['database_cpu_ms'] + y['sender_cpu_ms']:.1f} ms = "
                f"{y['cpu_ms']:.1f} + {y['database_cpu_ms']:.1f} + {y['sender_cpu_ms']:.1f}")
    return f"{split(x['ours'])} ({split(x['baseline'])})"


def _web_rss(d: str, r: dict) -> str:
    if _missing(r, "roundtrip"):
        return "—"
    x = r["roundtrip"]
    return (f"{x['rss_mb']:.0f} MB ({x['baseline_rss_mb']:.0f} MB)"
            f"{_verdict(x['rss_mb'], WEB_RSS_BUDGET_MB)}")


def _thread(kind: str):
    def cell(d: str, r: dict) -> str:
        if _missing(r, "threads"):
            return "—"
        x = r["threads"][kind]
        if kind == "answer":
            x = x["(all questions)"]
        return "—" if not x else f"{x['p50']:.1f} / {x['p99']:.1f} ms ({x['n']} questions)"
    return cell


def _digest(d: str, r: dict) -> str:
    if _missing(r, "digest"):
        return "—"
    x = r["digest"]
    return (f"{x['warm']:.2f} s ({x['cold']:.2f} s), {x['month']:,} orders in the month"
            f"{_verdict(x['warm'], DIGEST_BUDGET_S[d])}")


def _digest_baseline(d: str, r: dict) -> str:
    if _missing(r, "digest"):
        return "—"
    x = r["digest"]
    return f"{x['baseline']:.3f} s; {x['warm'] / x['baseline']:.1f}×"


def _import(d: str, r: dict) -> str:
    if _missing(r, "import"):
        return "—"
    x = r["import"]
    raw = (f"; raw insert {x['raw_lines_per_s']:,.0f} lines/s, "
           f"{x['lines_per_s'] / x['raw_lines_per_s']:.2f} of it") if "raw_lines_per_s" in x else ""
    return f"{x['lines_per_s']:,.0f} lines/s ({x['orders_per_s']:,.0f} orders/s){raw}"


def _clock(d: str, r: dict) -> str:
    if _missing(r, "clock"):
        return "—"
    x = r["clock"]
    return f"{x['rss_mb']:,.0f} MB ({x['anon_mb']:,.0f} MB, {x['file_mb']:,.0f} MB)"


def _scaleout_throughput(d: str, r: dict) -> str:
    if d == "sqlite":
        return SQLITE_SCALEOUT
    if _missing(r, "scaleout"):
        return "—"
    one, two = (r["scaleout"]["throughput"]["median"][n] for n in ("1", "2"))
    return (f"{two['rps']:,.0f} vs {one['rps']:,.0f} req/s = {two['rps'] / one['rps']:.2f}×; "
            f"{two['p50']:.0f} / {two['p99']:.0f} vs {one['p50']:.0f} / {one['p99']:.0f} ms")


def _scaleout_audit(d: str, r: dict) -> str:
    if d == "sqlite":
        return SQLITE_SCALEOUT
    if _missing(r, "scaleout"):
        return "—"
    x = r["scaleout"]["duplicates"]
    verdict = f"FAILED: {', '.join(x['audit_failures'])} ❌" if x["audit_failures"] else \
        "0 duplicated, 0 lost ✅"
    claims = " + ".join(str(n) for n in sorted(x["digest_claims_by_clock"].values()))
    return (f"{verdict} ({x['audit']['posts']['slack_accepted']:,} posts; "
            f"{x['audit']['digests']['runs'].get('posted', 0)} digest periods, each once, "
            f"claimed {claims} by the two clocks)")


SQLITE_SCALEOUT = "—, one machine's file"

# How each figure of a results file reads, by its key: lower is better (latencies, times,
# memory) or higher is better (rates). Keys in neither set (counts, sizes of the input) are
# not compared.
LOWER_IS_BETTER = frozenset({"p50", "p95", "p99", "seconds", "warm", "cold", "baseline",
                             "rss_mb", "anon_mb", "file_mb", "size_mb", "errors", "cpu_seconds"})
HIGHER_IS_BETTER = frozenset({"rps", "lines_per_s", "orders_per_s"})
NOT_COMPARED = frozenset({"section_s", "raw_seconds", "raw_cpu_seconds"})  # how long, not how well
REGRESSION = 0.10


def figures(results: dict) -> dict[str, tuple[float, int]]:
    """Every comparable figure of a run: "sqlite/import/lines_per_s" -> (value, +1 when higher
    is better, -1 when lower is)."""
    out: dict[str, tuple[float, int]] = {}

    def walk(path: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if str(key) not in NOT_COMPARED:
                    walk(f"{path}/{key}" if path else str(key), inner)
            return
        key = path.rsplit("/", 1)[-1]
        if isinstance(value, bool) or not isinstance(value, int | float):
            return
        if key in LOWER_IS_BETTER:
            out[path] = (float(value), -1)
        elif key in HIGHER_IS_BETTER:
            out[path] = (float(value), +1)

    walk("", results.get("by_db", {}))
    return out


def compare(previous: dict, current: dict, threshold: float = REGRESSION) -> dict[str, list]:
    """Figures more than `threshold` worse ("regressions") or better ("improvements") than in
    the previous run: (figure, before, after, change as a fraction, signed so that < 0 is
    worse). Figures either run lacks are left out."""
    before, after = figures(previous), figures(current)
    out: dict[str, list] = {"regressions": [], "improvements": []}
    for name in sorted(before.keys() & after.keys()):
        (old, direction), (new, _) = before[name], after[name]
        if old == 0:
            continue
        change = (new - old) / old * direction
        if change < -threshold:
            out["regressions"].append((name, old, new, change))
        elif change > threshold:
            out["improvements"].append((name, old, new, change))
    return out


def render_comparison(previous: dict, current: dict, threshold: float = REGRESSION) -> str:
    """compare() as markdown: a report to read, never a failure."""
    comparison = compare(previous, current, threshold)
    m = previous.get("machine", {})
    load = previous.get("started_load") or [float("nan")]
    title = (f"### Compared with the previous run ({m.get('date', '?')}, commit "
             f"`{m.get('commit', '?')}`, load average {load[0]:.1f} at its start)")
    lines = [title, ""]
    if previous.get("profile") != current.get("profile"):
        lines += ["(the previous run used other sizes: compare with care)", ""]
    for kind, word in (("regressions", "worse"), ("improvements", "better")):
        items = comparison[kind]
        lines.append(f"**{kind.capitalize()}** (> {threshold:.0%} {word}): "
                     f"{'none' if not items else len(items)}")
        lines += [f"- {name}: {old:,.4g} → {new:,.4g} ({abs(change):.0%} {word})"
                  for name, old, new, change in items]
        lines.append("")
    return "\n".join(lines)
