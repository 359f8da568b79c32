"""The notebooks in notebooks/ run top to bottom in a fresh kernel, and their committed outputs
are what running them gives today.

Each notebook runs in a fresh Python kernel (the interpreter running the tests), with a
temporary working folder that must stay empty, and under a guard that fails any connection
leaving this machine. The committed notebooks keep their outputs, so that readers on a code host
see them; the check below fails when a committed output no longer matches a fresh run. The
outputs of the interactive-view cells (tag ``interactive-view``) are not committed: each is
~800 kB of inlined JavaScript that code hosts do not run.

To refresh the committed outputs after changing a notebook, the data or the queries::

    OCTOGRAPH_WRITE_NOTEBOOKS=1 .venv/bin/pytest tests/test_notebooks.py -p no:cacheprovider
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from typing import Any

# The test extra installs these; without them the notebooks cannot be checked, so the run fails.
import ipykernel  # noqa: F401
import matplotlib  # noqa: F401
import nbclient
import nbformat
import pandas  # noqa: F401
import pytest

from octograph.sparql.questions import named_questions

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
VIEW_TAG = "interactive-view"
WRITE = os.environ.get("OCTOGRAPH_WRITE_NOTEBOOKS") == "1"

# Run by IPython before the first cell: any socket connection or name lookup for a host other
# than this machine raises, and the cell that made it fails.
GUARD = """
import sys as _sys

_LOCAL = {"localhost", "127.0.0.1", "::1", None}


def _octograph_no_network(event, args):
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else None
        if isinstance(address, tuple) and host not in _LOCAL:
            raise RuntimeError(f"notebook tried to connect to {address!r}")
    elif event == "socket.getaddrinfo" and args[0] not in _LOCAL:
        raise RuntimeError(f"notebook tried to look up {args[0]!r}")


_sys.addaudithook(_octograph_no_network)
"""


def _params() -> list[Any]:
    return [pytest.param(path, id=path.stem) for path in PATHS]


def _code_cells(nb: Any) -> list[Any]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _is_view(cell: Any) -> bool:
    return VIEW_TAG in cell.get("metadata", {}).get("tags", [])


def _signature(cell: Any) -> list[tuple[str, ...]]:
    """What a code cell's outputs say, without what may differ between runs or machines:
    each output's type and media types, and its text (images are compared by presence)."""
    out: list[tuple[str, ...]] = []
    for output in cell.outputs:
        if output.output_type == "stream":
            # The kernel flushes a cell's printing in chunks that depend on timing: compare
            # the text of consecutive chunks of one stream as a whole.
            if out and out[-1][:2] == ("stream", output.name):
                out[-1] = ("stream", output.name, out[-1][2] + output.text)
            else:
                out.append(("stream", output.name, output.text))
        elif output.output_type in {"display_data", "execute_result"}:
            data = output.data
            out.append((output.output_type, *sorted(data), data.get("text/plain", "")))
        else:  # an error
            out.append((output.output_type, output.get("ename", ""), output.get("evalue", "")))
    return out


@pytest.fixture(scope="module")
def ipython_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ipython")
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-no-network.py").write_text(GUARD, encoding="utf-8")
    return folder


def test_there_are_notebooks() -> None:
    assert [p.name for p in PATHS] == [
        "01-tour.ipynb",
        "02-questions.ipynb",
        "03-network.ipynb",
        "04-view-and-export.ipynb",
    ]


@pytest.mark.parametrize("path", _params())
def test_notebook_runs_and_matches_its_outputs(
    path: Path,
    tmp_path: Path,
    ipython_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    committed = nbformat.read(path, as_version=4)
    nbformat.validate(committed)
    assert committed.metadata.kernelspec.name == "python3"

    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.setenv("IPYTHONDIR", str(ipython_dir))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the inline backend, as readers get it
    before = sorted(p.name for p in NOTEBOOKS.iterdir())

    fresh = nbformat.read(path, as_version=4)
    for cell in _code_cells(fresh):
        cell.outputs, cell.execution_count = [], None
    client = nbclient.NotebookClient(
        fresh,
        kernel_name="python3",
        timeout=300,
        record_timing=False,  # no timestamps in the committed notebooks
        resources={"metadata": {"path": str(work)}},
    )
    client.execute()  # raises CellExecutionError on the first cell that fails

    assert sorted(p.relative_to(work) for p in work.rglob("*")) == [], "files left behind"
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == before, "files written to notebooks/"

    code = _code_cells(fresh)
    for cell in code:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
        stderr = [o.text for o in cell.outputs if o.get("name") == "stderr"]
        assert not stderr, f"warnings or errors on stderr in {cell.source!r}: {stderr}"
        if _is_view(cell):
            html = [o.data["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
            assert len(html) == 1, cell.source
            assert html[0].startswith("<iframe srcdoc="), cell.source
            cell.outputs = []  # not committed: see the module docstring

    if WRITE:
        nbformat.validate(fresh)
        nbformat.write(fresh, path)
        return

    hint = (
        f"{path.name}: the committed outputs are stale; refresh them with "
        "OCTOGRAPH_WRITE_NOTEBOOKS=1 .venv/bin/pytest tests/test_notebooks.py"
    )
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in fresh.cells
    ], hint
    old = _code_cells(committed)
    # Run top to bottom, once, in one kernel: the counts go 1, 2, 3, ...
    assert [c.execution_count for c in old] == list(range(1, len(old) + 1)), hint
    for before_cell, after_cell in zip(old, code, strict=True):
        assert _signature(before_cell) == _signature(after_cell), (
            f"{hint}\ncell {before_cell.source!r}"
        )


# Modules that reach the network: no notebook imports them.
_NETWORK_MODULES = {"socket", "urllib", "http", "requests", "httpx", "aiohttp", "ftplib", "smtplib"}


@pytest.mark.parametrize("path", _params())
def test_notebook_uses_only_the_public_api(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in _code_cells(nb):
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom):
                    modules = [node.module or ""]
                    assert not [a for a in node.names if a.name.startswith("_")], cell.source
                for module in modules:
                    assert module.split(".")[0] not in _NETWORK_MODULES, cell.source
                    assert not [p for p in module.split(".") if p.startswith("_")], cell.source
            elif isinstance(node, ast.Attribute):
                ok = node.attr == "_repr_html_" or not node.attr.startswith("_")
                assert ok, f"private name {node.attr} in {cell.source!r}"
            elif isinstance(node, ast.Name):
                ok = node.id == "_" or not node.id.startswith("_")  # _ is a throwaway
                assert ok, f"private name {node.id} in {cell.source!r}"


def test_every_named_question_has_a_cell() -> None:
    nb = nbformat.read(NOTEBOOKS / "02-questions.ipynb", as_version=4)
    asked = {m for cell in _code_cells(nb) for m in re.findall(r'kg\.ask\("([\w-]+)"', cell.source)}
    missing = sorted(set(named_questions()) - asked)
    assert not missing, f"02-questions.ipynb does not run the named questions {missing}"
