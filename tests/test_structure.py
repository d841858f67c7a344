"""The tree shows the architecture (docs/architecture.md), and these keep it that way:
import-linter's contracts (pyproject.toml) pass and catch an arrow that runs back up; the store
kernel stays small; nothing imports bot/; store/ and messages/ never import handlers/ or jobs/;
store modules import each other without a cycle; bench/ and the tests import no test module."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "jobs", "messages", "sandbox", "store")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions count)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def files_in(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def importers_of(top: str, *folders: str) -> list[str]:
    return [f"{path.relative_to(ROOT)} imports {name}" for path in files_in(*folders)
            for name in sorted(imports_of(path)) if name == top or name.startswith(top + ".")]


def test_the_store_kernel_has_at_most_15_modules():
    modules = sorted(p.name for p in (ROOT / "store").glob("*.py"))
    assert len(modules) <= 15, modules


def test_nothing_imports_bot_but_bot():
    assert importers_of("bot", "handlers", "jobs", "messages", "store", "sandbox") == []


def test_handlers_and_jobs_never_import_each_other():
    assert importers_of("jobs", "handlers") == []
    assert importers_of("handlers", "jobs") == []


def test_store_and_messages_never_import_handlers_or_jobs():
    assert importers_of("handlers", "store", "messages") == []
    assert importers_of("jobs", "store", "messages") == []


def test_store_modules_import_each_other_without_a_cycle():
    graph = grimp.build_graph("store")
    cycles = sorted({tuple(sorted((module, imported)))
                     for module in graph.modules
                     for imported in graph.find_modules_directly_imported_by(module)
                     if graph.chain_exists(importer=imported, imported=module)})
    assert cycles == []


def test_bench_and_tests_import_no_test_module():
    """Shared test code lives in tests/support/; bench/ has its own helpers."""
    test_modules = {".".join(p.relative_to(ROOT).with_suffix("").parts)
                    for p in files_in("tests") if p.name.startswith(("test_", "conftest"))}
    borrowed = [f"{path.relative_to(ROOT)} imports {name}" for path in files_in("bench", "tests")
                for name in imports_of(path) if name in test_modules]
    assert borrowed == []


@pytest.fixture(scope="module")
def lint_tree(tmp_path_factory) -> Path:
    """A copy of the product's packages and contracts, to break on purpose."""
    tree = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package,
                        ignore=shutil.ignore_patterns("__pycache__", "templates"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(tree), "PATH": ""})


def test_the_import_contracts_hold_and_fail_when_an_arrow_runs_back_up(lint_tree):
    kept = lint_imports(lint_tree)
    assert kept.returncode == 0, kept.stdout[-3000:]

    with (lint_tree / "store" / "db.py").open("a") as db:
        db.write("\nimport handlers.lookup  # an arrow back up\n")
    broken = lint_imports(lint_tree)
    assert broken.returncode == 1
    assert "store knows nothing of Slack, templates or anything above it BROKEN" in broken.stdout
    assert "store.db -> handlers.lookup" in broken.stdout


def test_store_builds_no_block_kit():
    """Every post is a render request; jobs/renderers.py builds it through messages/."""
    blocks = [str(path.relative_to(ROOT)) for path in files_in("store")
              if '"blocks"' in path.read_text() or '"mrkdwn"' in path.read_text()]
    assert blocks == []
