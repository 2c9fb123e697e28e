"""The shape ARCHITECTURE.md promises: modules a reader can hold in mind, functions that fit a
screen. (Which module may import which is checked by ``lint-imports``.)"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGES = ("bot", "domain", "fakegram", "handlers", "storage")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    found = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    return [p for p in found if "migrations" not in p.parts]  # generated, exempt


def _too_long(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    name = str(path.relative_to(ROOT))
    problems = []
    if source.count("\n") > MAX_MODULE_LINES:
        problems.append(f"{name}: {source.count(chr(10))} lines (split it by job)")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                problems.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    return problems


def test_modules_and_functions_stay_small() -> None:
    modules = _modules()
    assert len(modules) > 80  # the glob found the tree, not an empty folder
    assert [problem for path in modules for problem in _too_long(path)] == []
