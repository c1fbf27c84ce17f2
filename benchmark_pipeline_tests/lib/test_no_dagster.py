"""lib/ is what the domain is, in plain Python: nothing below it may import Dagster."""

import ast
from pathlib import Path

import benchmark_pipeline.lib as lib

LIB = Path(lib.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_nothing_under_lib_imports_dagster():
    offenders = {
        str(path.relative_to(LIB)): sorted(
            m
            for m in _imported_modules(path)
            if m.split(".")[0].startswith("dagster")
            or m.startswith("benchmark_pipeline.defs")
            or m == "benchmark_pipeline.resources"
        )
        for path in sorted(LIB.rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) > 15  # the walk really found the modules
