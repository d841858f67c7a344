"""The arrows of docs/architecture.md that jobs/ and bench/ are bound by, read from the imports
of the source files: jobs/ never imports bot/ or handlers/; bench/ never imports tests/; store/
never imports jobs/, and builds no Block Kit."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_packages(folder: str) -> dict[str, set[str]]:
    """file -> the top-level packages its imports (also those inside functions) name."""
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(("folder", "forbidden"), [
    ("jobs", {"bot", "handlers"}),
    ("bench", {"tests"}),
    ("store", {"jobs", "messages", "handlers", "bot", "slack_sdk", "slack_bolt", "jinja2"}),
])
def test_a_layer_imports_nothing_it_must_not(folder, forbidden):
    breaches = {path: sorted(names & forbidden)
                for path, names in imported_packages(folder).items() if names & forbidden}
    assert breaches == {}


def test_store_builds_no_block_kit():
    blocks = [str(path.relative_to(ROOT)) for path in (ROOT / "store").rglob("*.py")
              if '"blocks"' in path.read_text() or '"mrkdwn"' in path.read_text()]
    assert blocks == []
