"""ruff, mypy and the import layers run in the test suite, and the code sizes are checked."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["ruff", "check", "octograph", "tests"], id="ruff-check"),
        pytest.param(["ruff", "format", "--check", "octograph", "tests"], id="ruff-format"),
        pytest.param(["mypy"], id="mypy"),
        # The layers and contracts declared in pyproject.toml ([tool.importlinter]).
        pytest.param(["lint-imports", "--no-cache"], id="import-layers"),
    ],
)
def test_tool_is_clean(command: list[str]) -> None:
    r = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr


PACKAGE = REPO / "octograph"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 500, 60


@pytest.mark.parametrize("path", [pytest.param(p, id=str(p.relative_to(REPO))) for p in MODULES])
def test_module_and_functions_are_of_a_readable_size(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES, "split the module by concern"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_no_module_imports_another_modules_private_names() -> None:
    private = re.compile(r"^\s*from octograph[\w.]* import [^#\n]*\b_[a-z]\w*", re.M)
    found = [
        f"{p.relative_to(REPO)}: {m.group(0).strip()}"
        for p in [*MODULES, *(REPO / "tests").rglob("*.py")]
        for m in private.finditer(p.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_only_the_engines_hold_a_store() -> None:
    # The engine seam: a pyoxigraph Store is made, queried and read only inside engines/
    # (the preload thread hands the one it parsed to load(), which wraps it in an engine).
    store = re.compile(r"\box\.Store\(|\.store\.|\bkg\.store\b|quads_for_pattern")
    outside = [
        f"{p.relative_to(REPO)}:{n}"
        for p in MODULES
        if "engines" not in p.parts
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if store.search(line) and not line.lstrip().startswith("#")
    ]
    assert outside == []
