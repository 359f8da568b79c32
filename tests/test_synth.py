"""The synthetic corpus: valid, deterministic, skewed like real citations, written atomically."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from octograph import KnowledgeGraph, OutputError, load
from octograph.authoring.segment import segment
from octograph.authoring.synth import synthesize


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth") / "corpus"
    synthesize(folder, reports=40, seed=7)
    return folder


@pytest.fixture(scope="module")
def synth_kg(corpus: Path) -> KnowledgeGraph:
    return load([corpus])


def test_validate_accepts_it(tmp_path: Path) -> None:
    folder = tmp_path / "small"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "octograph",
            "synth",
            "--reports",
            "4",
            "--seed",
            "3",
            "-o",
            str(folder),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "wrote" in r.stderr
    assert "4 reports" in r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "octograph", "--data", str(folder), "validate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stdout
    assert r.stdout.rstrip().endswith("valid")


def test_same_seed_same_bytes(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    synthesize(again, reports=40, seed=7)
    assert files(again) == files(corpus)
    other = tmp_path / "other"
    synthesize(other, reports=40, seed=8)
    assert files(other) != files(corpus)


def test_quotes_are_the_segments_of_their_own_text(corpus: Path, synth_kg: KnowledgeGraph) -> None:
    text = (corpus / "synth-00003" / "report.txt").read_text(encoding="utf-8")
    rows = synth_kg.query("""
        SELECT ?exact ?start ?end WHERE {
            ?p octo:inReport kg:synth-00003 ; octo:passageNumber ?n ;
               oa:hasSelector [ oa:exact ?exact ] , [ oa:start ?start ; oa:end ?end ] }
        ORDER BY ?n""").to_dicts()
    assert [(s.quote, s.start, s.end) for s in segment(text)] == [
        (r["exact"], r["start"], r["end"]) for r in rows
    ]


def test_shared_entities_are_skewed_and_reports_have_their_own(synth_kg: KnowledgeGraph) -> None:
    rows = synth_kg.query("""
        SELECT ?country (COUNT(DISTINCT ?report) AS ?n) WHERE {
            GRAPH ?p { ?s ?rel ?country } ?country a octo:Country . ?p octo:inReport ?report }
        GROUP BY ?country ORDER BY DESC(?n)""").to_dicts()
    counts = [r["n"] for r in rows]
    # Zipf-like: the most cited country is in many reports, the median one in few.
    assert counts[0] >= 10
    assert counts[len(counts) // 2] <= counts[0] / 4
    own = synth_kg.query("""
        SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {
            GRAPH ?g { ?r a/rdfs:subClassOf* octo:Remedy }
            FILTER(STRSTARTS(STR(?g), "https://w3id.org/octograph/id/synth-")) }""")
    assert own.to_dicts()[0]["n"] >= 20
    # The bundled report's entities keep their IRIs: the head of the pools.
    assert synth_kg.query("ASK { ?m octo:citesInstrument kg:budapest-convention }").boolean


def test_size_per_report_is_tuned_for_a_million_at_3100(synth_kg: KnowledgeGraph) -> None:
    per_report = (len(synth_kg) - 700) / 40  # less the ontology
    assert 280 <= per_report <= 380, per_report


def test_it_loads_beside_the_bundled_report(corpus: Path) -> None:
    kg = load([Path(load().files[0]).parent.parent, corpus])
    assert kg.stats()["key_messages"] > 9 + 40 * 2
    assert kg.ask("participation").rows  # the default parameters still name real entities


def test_a_foreign_folder_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("mine")
    with pytest.raises(OutputError, match="is not a synthetic corpus"):
        synthesize(tmp_path / "mine", reports=2)
    assert files(tmp_path / "mine") == {"keep.txt": b"mine"}


def test_rewriting_replaces_the_whole_folder_and_leaves_no_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    synthesize(folder, reports=5, seed=1)
    synthesize(folder, reports=2, seed=1)
    assert sorted(p.name for p in folder.iterdir()) == [
        "common",
        "synth-00001",
        "synth-00002",
        "synth.json",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]
    assert Counter(p.suffix for p in folder.rglob("*.*")) == Counter(
        {".trig": 3, ".txt": 2, ".json": 1}
    )


def test_missing_parent_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="folder does not exist"):
        synthesize(tmp_path / "no" / "such", reports=1)


@pytest.mark.parametrize("name", ["turtle", "trig", "nt", "nquads", "jsonld", "xml"])
def test_every_export_format_round_trips_the_corpus(synth_kg: KnowledgeGraph, name: str) -> None:
    import io

    import pyoxigraph as ox

    from octograph.formats import find
    from octograph.graph.export import serialize

    fmt = find(name, "rdf")
    parsed = list(ox.parse(io.BytesIO(serialize(synth_kg, name)), format=fmt.rdf))
    if fmt.quads:
        assert set(parsed) == set(synth_kg.quads())  # graph by graph
    else:
        assert {q.triple for q in parsed} == synth_kg.triples()
