"""The house rules of issue 10 on size: no module over 400 lines, no function over 60.

A table of data may be longer than 60 lines when it is a function that only returns a
literal; none is today, so the exception is written but not used. The rule applies to the
product (`reportbot/`, `connectors/`), not to tests, benchmarks or drills.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("reportbot", "connectors")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _is_data_table(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function whose body (after its docstring) is one `return <literal>`."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return False
    return isinstance(body[0].value, (ast.Dict, ast.List, ast.Tuple, ast.Set))


def _long_functions(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        length = node.end_lineno - node.lineno + 1
        if length > MAX_FUNCTION_LINES and not _is_data_table(node):
            found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_the_product_has_modules_to_measure() -> None:
    assert len(_modules()) > 100


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_over_400_lines(package: str) -> None:
    long_modules = [
        f"{path.relative_to(ROOT)} ({count} lines)"
        for path in _modules()
        if path.relative_to(ROOT).parts[0] == package
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert long_modules == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_function_is_over_60_lines(package: str) -> None:
    long_functions = [
        entry
        for path in _modules()
        if path.relative_to(ROOT).parts[0] == package
        for entry in _long_functions(path)
    ]
    assert long_functions == []


def test_the_measure_sees_a_long_function(tmp_path: Path) -> None:
    """The checker itself finds a 61-line function and lets a 61-line table pass."""
    lines = "\n".join(f"    x{i} = {i}" for i in range(59))
    table = "\n".join(f"        {i}: {i}," for i in range(58))
    source = tmp_path / "probe.py"
    text = (
        f"def long():\n{lines}\n    return x0\n\n\ndef table():\n    return {{\n{table}\n    }}\n"
    )
    source.write_text(text, encoding="utf-8")
    assert [entry.split(" ")[1] for entry in _long_functions(source, tmp_path)] == ["long"]
