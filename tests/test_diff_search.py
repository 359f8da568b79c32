"""Comparing reports and searching passages: on the bundled report and a variant of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from octograph import KnowledgeGraph, NotFoundError, OutputError, QueryError, load
from octograph.diff import diff_reports
from octograph.search import PassageIndex, fts_query

KG = "https://w3id.org/octograph/id/"


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The bundled data plus "octopus-2099": the same report with three known differences.

    The Budapest Convention has 68 Parties instead of 64 (same length, so offsets hold), and
    passage 27 no longer states anything about the Lanzarote Convention.
    """
    from octograph.graph.load import bundled_data

    root = tmp_path_factory.mktemp("two") / "data"
    root.mkdir()
    for folder in bundled_data().iterdir():
        if folder.is_dir():
            (root / folder.name).mkdir()
            for f in folder.iterdir():
                (root / folder.name / f.name).write_bytes(f.read_bytes())
    src, dst = root / "octopus-2019", root / "octopus-2099"
    dst.mkdir()
    for f in src.iterdir():
        text = f.read_text(encoding="utf-8").replace("octopus-2019", "octopus-2099")
        if f.name == "statements.trig":
            text = _change(
                text, "f:budapest-parties schema:value 64", "f:budapest-parties schema:value 68"
            )
            text = _change(
                text,
                "    kg:lanzarote-convention octo:administeredBy kg:council-of-europe ;\n"
                "        octo:blueprintFor kg:harmonised-definitions-and-legislation ;\n"
                "        octo:addresses kg:online-child-sexual-exploitation-and-abuse .\n",
                "",
            )
            text = _change(
                text,
                "octo:citesInstrument kg:lanzarote-convention, kg:budapest-convention",
                "octo:citesInstrument kg:budapest-convention",
            )
        (dst / f.name).write_text(text, encoding="utf-8")
    kg = load([root])
    assert kg.validate().ok, kg.validate().text()
    return kg


def _change(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_a_report_compared_with_itself_has_no_differences(kg: KnowledgeGraph) -> None:
    diff = diff_reports(kg, "octopus-2019", "octopus-2019")
    assert (diff.entities, diff.relations, diff.figures) == ([], [], [])


def test_diff_finds_the_known_differences(two_reports: KnowledgeGraph) -> None:
    diff = diff_reports(two_reports, "octopus-2019", "kg:octopus-2099")
    assert {(r["side"], r["label"]) for r in diff.entities} == {
        ("only in A", "Lanzarote Convention")
    }
    assert {(r["subjectLabel"], r["predicateLabel"], r["objectLabel"]) for r in diff.relations} == {
        ("Lanzarote Convention", "addresses", "online sexual exploitation and abuse of children"),
        ("Lanzarote Convention", "administered by", "Council of Europe"),
        ("Lanzarote Convention", "blueprint for", "harmonised definitions and legislation"),
    }
    assert all(r["number"] == 27 for r in diff.relations)
    [figure] = diff.figures
    assert (figure["propertyLabel"], figure["valueA"], figure["valueB"]) == ("party count", 64, 68)
    assert figure["quoteB"].startswith("The Budapest Convention with currently 64 Parties")
    text = diff.text()
    assert "Budapest Convention, party count: 64 (A ¶10) → 68 (B ¶10)" in text


def test_diff_the_other_way_round(two_reports: KnowledgeGraph) -> None:
    diff = diff_reports(two_reports, "octopus-2099", "octopus-2019")
    assert {r["side"] for r in diff.entities} == {"only in B"}
    assert (diff.figures[0]["valueA"], diff.figures[0]["valueB"]) == (68, 64)


def test_diff_of_an_unknown_report_names_the_reports(kg: KnowledgeGraph) -> None:
    with pytest.raises(NotFoundError, match="is not a report here"):
        diff_reports(kg, "octopus-2019", "octopus-1999")


@pytest.fixture(scope="module")
def index(kg: KnowledgeGraph) -> PassageIndex:
    return PassageIndex.build(kg)


def test_search_words_phrase_and_prefix(index: PassageIndex) -> None:
    assert [h.number for h in index.search("WHOIS")] == [36]
    assert {h.number for h in index.search("elections trust")} == {14, 20}
    phrase = {h.number for h in index.search('"data protection"')}
    assert phrase == {35, 38}
    prefix = {h.number for h in index.search("prosecut*")}
    assert {25, 32, 42} <= prefix


def test_search_hit_has_message_snippet_and_entities(index: PassageIndex) -> None:
    [hit] = index.search("WHOIS")
    assert hit.message == 7
    assert hit.report == KG + "octopus-2019"
    assert hit.as_dict()["snippet"].startswith("Examples include lack of access to [WHOIS] data")
    assert (KG + "lack-of-access-to-whois-data", "lack of access to WHOIS data") in hit.entities


def test_search_ranks_the_densest_passage_first(index: PassageIndex) -> None:
    hits = index.search("capacity building")
    assert hits[0].number in {42, 44, 45}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("text", ['"', "*", "AND OR NOT", "NEAR(a b)", "col:x", "^a", "(", ""])
def test_search_syntax_cannot_be_injected(index: PassageIndex, text: str) -> None:
    try:
        query = fts_query(text)
    except QueryError:
        return
    assert all(part.startswith('"') for part in query.split(" AND "))
    index.search(text)


def test_search_finds_nothing_quietly(index: PassageIndex) -> None:
    assert index.search("xylophone") == []


# ---------------------------------------------------------------- the index beside a store

SEARCHES = ["WHOIS", "elections trust", '"data protection"', "prosecut*", "capacity building"]


def _index_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("search-*.sqlite"))


def test_persistent_index_is_built_once_then_reopened(
    tmp_path: Path, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "kg"
    first = PassageIndex.for_graph(load(store=f"oxigraph:{folder}"))
    [path] = _index_files(folder)
    built = path.stat()
    builds: list[KnowledgeGraph] = []
    original = PassageIndex.build

    def counted(cls: type[PassageIndex], graph: KnowledgeGraph, fingerprint: str = "") -> Any:
        builds.append(graph)
        return original(graph, fingerprint)

    monkeypatch.setattr(PassageIndex, "build", classmethod(counted))
    again = PassageIndex.for_graph(load(store=f"oxigraph:{folder}"))
    assert builds == []
    assert _index_files(folder) == [path]
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (built.st_ino, built.st_mtime_ns)
    in_memory = PassageIndex.build(kg)
    assert again.size == first.size == in_memory.size == 49
    for text in SEARCHES:
        assert again.search(text) == first.search(text) == in_memory.search(text), text


def test_persistent_index_is_rebuilt_when_the_data_change(data_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "kg"
    store = f"oxigraph:{folder}"
    assert PassageIndex.for_graph(load([data_copy], store=store)).search("xylophone") == []
    [old] = _index_files(folder)
    leftover = folder / f".{old.name}.x1y2z3.tmp"  # what a builder killed midway leaves
    leftover.write_bytes(b"half")
    structure = data_copy / "octopus-2019" / "structure.trig"
    text = structure.read_text(encoding="utf-8")
    structure.write_text(
        text.replace("access to WHOIS data, court", "access to XYLOPHONE data, court"),
        encoding="utf-8",
    )
    index = PassageIndex.for_graph(load([data_copy], store=store))
    assert [h.number for h in index.search("xylophone")] == [36]
    [new] = _index_files(folder)
    assert new != old
    assert not leftover.exists()
    assert [h.number for h in PassageIndex.open(new).search("xylophone")] == [36]


def test_a_damaged_index_file_is_rebuilt(tmp_path: Path) -> None:
    folder = tmp_path / "kg"
    PassageIndex.for_graph(load(store=f"oxigraph:{folder}"))
    [path] = _index_files(folder)
    path.write_bytes(b"not a database at all")
    index = PassageIndex.for_graph(load(store=f"oxigraph:{folder}"))
    assert [h.number for h in index.search("WHOIS")] == [36]
    assert [h.number for h in PassageIndex.open(path).search("WHOIS")] == [36]


def test_concurrent_builders_write_one_whole_index(tmp_path: Path) -> None:
    folder = tmp_path / "kg"
    load(store=f"oxigraph:{folder}")  # the store first: three processes then race for the index
    assert _index_files(folder) == []
    command = [
        sys.executable, "-m", "octograph", "--store", f"oxigraph:{folder}",
        "search", "WHOIS", "--format", "json",
    ]  # fmt: skip
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    for p, (out, err) in zip(processes, outputs, strict=True):
        assert p.returncode == 0, err
        assert [hit["number"] for hit in json.loads(out)] == [36]
    assert len({out for out, _ in outputs}) == 1
    [path] = _index_files(folder)
    assert not list(folder.glob(".search-*"))
    assert PassageIndex.open(path).size == 49


def test_a_folder_that_cannot_take_the_index_gets_one_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import octograph.output

    def refuse(path: Path, data: bytes) -> None:
        raise OutputError("Permission denied", path=str(path))

    folder = tmp_path / "kg"
    kg = load(store=f"oxigraph:{folder}")
    monkeypatch.setattr(octograph.output, "write_atomic", refuse)
    index = PassageIndex.for_graph(kg)
    assert [h.number for h in index.search("WHOIS")] == [36]
    assert _index_files(folder) == []
