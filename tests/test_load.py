"""Loading: the bundled report, user files, bad input with file, line and column."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from octograph import InputError, KnowledgeGraph, load
from octograph.graph.load import bundled_data
from octograph.namespaces import ENTITIES_GRAPH, ID, ONTOLOGY_GRAPH

REPORT = "https://w3id.org/octograph/id/octopus-2019"


def test_bundled_report_has_nine_messages_and_49_passages(kg: KnowledgeGraph) -> None:
    stats = kg.stats()
    assert stats["key_messages"] == 9
    assert stats["passages"] == 49
    assert stats["triples"] > 1500


def test_passages_have_their_own_graphs_and_entities_live_apart(kg: KnowledgeGraph) -> None:
    names = kg.graph_names()
    assert ONTOLOGY_GRAPH in names
    assert ENTITIES_GRAPH in names
    assert f"{REPORT}/passage/12" in names
    assert f"{REPORT}/graph/structure" in names
    # The definition of the Budapest Convention is in the entities graph, not in a passage.
    r = kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { kg:budapest-convention rdfs:label ?l } }")
    assert [row["g"] for row in r.to_dicts()] == [ENTITIES_GRAPH]


def test_a_relation_stated_twice_lives_in_both_passage_graphs(kg: KnowledgeGraph) -> None:
    r = kg.query(
        "SELECT ?g WHERE { GRAPH ?g { ?c octo:hostedBy kg:council-of-europe } } ORDER BY ?g"
    )
    assert [row["g"] for row in r.to_dicts()] == [f"{REPORT}/passage/4", f"{REPORT}/passage/7"]


# SHA-256 of the seed text as the project received it (octopus-2019-key-messages.txt).
SEED_SHA256 = "bed310413111c0a5fe7d36faad767f60e26e3141b47af903cf41f5d010df0be2"


def test_source_text_in_the_graph_is_the_report_verbatim(kg: KnowledgeGraph) -> None:
    raw = (bundled_data() / "octopus-2019" / "report.txt").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SEED_SHA256
    text = raw.decode("utf-8")
    r = kg.query("SELECT ?c WHERE { ?t octo:content ?c }")
    assert r.to_dicts() == [{"c": text}]


def test_every_passage_but_the_listed_few_states_something(kg: KnowledgeGraph) -> None:
    r = kg.query("""
        SELECT ?n WHERE {
            ?p a octo:Passage ; octo:passageNumber ?n .
            FILTER NOT EXISTS { GRAPH ?p { ?s ?x ?o } }
        } ORDER BY ?n""")
    empty = [row["n"] for row in r.to_dicts()]
    assert empty == [6, 9, 47]
    reasons = kg.query("SELECT ?n WHERE { ?p octo:noStatementReason ?r ; octo:passageNumber ?n }")
    assert sorted(row["n"] for row in reasons.to_dicts()) == empty


def test_figures_are_typed_numbers_and_dates_are_dates(kg: KnowledgeGraph) -> None:
    r = kg.query("""
        SELECT ?v ?start WHERE {
            kg:budapest-convention octo:partyCount/schema:value ?v .
            ?conf a octo:Conference ; schema:startDate ?start }""")
    row = r.to_dicts()[0]
    assert row["v"] == 64
    assert str(row["start"]) == "2019-11-20"


def test_user_files_load_instead_of_the_bundled_report(tmp_path: Path) -> None:
    f = tmp_path / "mine.ttl"
    f.write_text("<https://example.org/a> <https://example.org/b> 'c' .\n", encoding="utf-8")
    kg = load([f])
    assert kg.query("ASK { <https://example.org/a> ?p 'c' }").boolean
    assert not kg.query("ASK { ?m a octo:KeyMessage }").boolean
    # One path needs no list, as a string or a Path: not read as the characters of its name
    # (once "/" among them, the whole file system).
    for one in (str(f), f):
        assert load(one).query("ASK { <https://example.org/a> ?p 'c' }").boolean


def test_a_second_report_folder_is_loaded_too(data_copy: Path) -> None:
    second = data_copy / "octopus-2099"
    second.mkdir()
    (second / "report.trig").write_text(
        f"<{ID}octopus-2099/graph/entities> {{ <{ID}octopus-2099> a "
        "<https://w3id.org/octograph/ontology#Report> . }\n",
        encoding="utf-8",
    )
    kg = load([data_copy])
    assert len(kg.query("SELECT ?r WHERE { ?r a octo:Report }")) == 2


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "x\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        load([bad])
    assert (e.value.path, e.value.line, e.value.column) == (str(bad), 3, 11)
    assert str(e.value).startswith(f"{bad}:3:11: ")
    assert "\n" not in str(e.value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("missing.ttl", None, "no such file or folder", id="missing"),
        pytest.param("notes.docx", b"x", "unknown RDF file suffix", id="suffix"),
        pytest.param(
            "latin1.ttl", "<a:b> <a:c> 'é' .".encode("latin-1"), r":1:14: .*UTF-8", id="encoding"
        ),
    ],
)
def test_unreadable_input_is_one_input_error(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message) as e:
        load([path])
    assert str(path) in str(e.value)
