"""The command line's head start: the bundled data parsed in a thread, taken only when it fits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from octograph import InputError, load
from octograph.graph import preload
from octograph.graph.load import bundled_data


def _quads(kg: object) -> set[str]:
    return {str(q) for q in kg.quads()}  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _nothing_pending() -> object:
    yield
    preload.finish()


def test_the_parsed_store_is_the_one_load_builds() -> None:
    preload.start(["query", "threats-by-message"])
    kg = load()
    assert preload.take([], None) is None  # load() took it
    fresh = load()
    assert _quads(kg) == _quads(fresh)
    assert len(kg.triples()) == len(fresh.triples())


@pytest.mark.parametrize(
    "argv",
    [
        ["--data", "x", "query", "q"],
        ["query", "q", "--store", "oxigraph:/tmp/x"],
        ["query", "--list"],
        ["synth", "-o", "x"],
        ["--help"],
        [],
    ],
)
def test_nothing_is_parsed_for_other_data_or_commands(argv: list[str]) -> None:
    preload.start(argv)
    assert preload.take([], None) is None
    assert preload._pending is None


def test_a_store_parsed_for_other_files_is_not_taken(tmp_path: Path) -> None:
    data = tmp_path / "one.ttl"
    data.write_text("<http://e/a> <http://e/p> <http://e/b> .\n", encoding="utf-8")
    preload.start(["stats"])
    kg = load([data], ontology=False)
    assert len(kg) == 1


def test_a_file_that_does_not_parse_is_reported_by_load_with_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bad.ttl").write_text("<http://e/a> <http://e/p> .\n", encoding="utf-8")
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "octograph.ttl").write_text("", encoding="utf-8")
    # The bundled folders are these: the thread fails on them quietly, and load(), asked for
    # the very same files, parses them again and says where.
    for module in ("octograph.graph.preload", "octograph.graph.load"):
        monkeypatch.setattr(sys.modules[module], "package_dir", lambda n: str(tmp_path / n))
    preload.start(["stats"])
    assert preload._pending is not None
    with pytest.raises(InputError, match=r"bad\.ttl:1:\d+: "):
        load()


def test_the_command_gives_the_same_answer_with_and_without_the_head_start() -> None:
    def answer(*extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "octograph", *extra, "query", "threats-by-message"],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return done.stdout

    with_head_start = answer()
    without = answer("--data", str(bundled_data()))  # other options: no thread
    assert with_head_start == without
    assert "interference with elections" in with_head_start
