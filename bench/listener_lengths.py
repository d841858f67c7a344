"""The size of Slack listeners: median, p90 and max lines of every on_* function in handlers/
(def line to last line), and the longest few. Usage: .venv/bin/python bench/listener_lengths.py
[folder]; run it on an older checkout to compare (`git worktree add /tmp/old <rev>`)."""

import ast
import pathlib
import statistics
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "handlers")
sizes = sorted((node.end_lineno - node.lineno + 1, f"{path}:{node.lineno} {node.name}")
               for path in sorted(root.rglob("*.py"))
               for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, ast.FunctionDef) and node.name.startswith("on_"))
lengths = [size for size, _ in sizes]
p90 = lengths[min(len(lengths) - 1, round(0.9 * (len(lengths) - 1)))]
print(f"listeners={len(lengths)} median={statistics.median(lengths)} p90={p90} max={lengths[-1]}")
for size, name in sizes[-5:]:
    print(f"  {size:3d} {name}")
