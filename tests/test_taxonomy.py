"""Incident taxonomies: MISP JSON -> SKOS, the committed conversions, and the SKOS checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from octograph import InputError, KnowledgeGraph, OutputError, load
from octograph.authoring.taxonomy import (
    LICENSE,
    MISP_COMMIT,
    concept_iri,
    convert,
    import_file,
    machine_tag,
)
from octograph.graph.load import bundled_data
from octograph.graph.skos import concept_count, skos_problems

NAMES = ["rsit", "ecsirt", "europol-incident", "europol-event", "enisa"]
TAXONOMIES = bundled_data() / "taxonomies"
KG = "https://w3id.org/octograph/id/"


def _source(test_data: Path, name: str) -> Path:
    return test_data / "taxonomies" / f"{name}.json"


def _dataset(data: bytes) -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(data=data, format="trig")
    return ds


def _graphs(ds: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in NAMES])
def test_committed_file_is_the_conversion_of_the_misp_file(test_data: Path, name: str) -> None:
    converted = _graphs(_dataset(convert(_source(test_data, name))))
    committed = _graphs(_dataset((TAXONOMIES / f"{name}.trig").read_bytes()))
    fix = f"octograph taxonomy import {_source(test_data, name)} -o {TAXONOMIES / name}.trig"
    assert converted.keys() == committed.keys() == {f"{KG}graph/taxonomy/{name}"}
    for iri, graph in converted.items():
        assert isomorphic(graph, committed[iri]), f"stale conversion; fix: {fix}"


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in NAMES])
def test_conversion_follows_the_machine_tags(test_data: Path, name: str) -> None:
    data = json.loads(_source(test_data, name).read_text(encoding="utf-8"))
    [graph] = _graphs(_dataset(convert(_source(test_data, name)))).values()
    scheme = rdflib.URIRef(concept_iri(name))
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    assert (scheme, DCTERMS.license, rdflib.URIRef(LICENSE)) in graph
    source = str(graph.value(scheme, DCTERMS.source))
    assert source.endswith(f"/{MISP_COMMIT}/{name}/machinetag.json")
    tops = set(graph.objects(scheme, SKOS.hasTopConcept))
    assert tops == {rdflib.URIRef(concept_iri(name, p["value"])) for p in data["predicates"]}
    assert tops == set(graph.subjects(SKOS.topConceptOf, scheme))
    values = [(b["predicate"], e) for b in data.get("values", []) for e in b["entry"]]
    for predicate, entry in values:
        node = rdflib.URIRef(concept_iri(name, predicate, entry["value"]))
        top = rdflib.URIRef(concept_iri(name, predicate))
        assert (node, SKOS.broader, top) in graph
        assert (top, SKOS.narrower, node) in graph
        assert str(graph.value(node, SKOS.notation)) == machine_tag(name, predicate, entry["value"])
        assert graph.value(node, SKOS.prefLabel) == graph.value(node, RDFS.label)
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == len(data["predicates"]) + len(values)
    for concept in concepts:
        assert set(graph.objects(concept, SKOS.inScheme)) == {scheme}
        [label] = graph.objects(concept, SKOS.prefLabel)
        assert isinstance(label, rdflib.Literal)
        assert label.language == "en"


def test_conversion_is_deterministic(test_data: Path) -> None:
    assert convert(_source(test_data, "rsit")) == convert(_source(test_data, "rsit"))


def test_iris_and_machine_tags_keep_what_misp_writes() -> None:
    assert concept_iri("ecsirt", "malicious-code", "c&c") == (
        KG + "taxonomy/ecsirt/malicious-code/c%26c"
    )
    assert concept_iri("enisa", "x", "a b") == KG + "taxonomy/enisa/x/a%20b"
    assert concept_iri("rsit", "x", "Unauthorised") != concept_iri("rsit", "x", "unauthorised")
    assert machine_tag("ecsirt", "malicious-code", "c&c") == 'ecsirt:malicious-code="c&c"'
    assert machine_tag("europol-event", "spam") == "europol-event:spam"


def test_import_writes_the_file_atomically(test_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "rsit.trig"
    data = import_file(_source(test_data, "rsit"), out)
    assert out.read_bytes() == data
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    with pytest.raises(OutputError, match="folder does not exist"):
        import_file(_source(test_data, "rsit"), tmp_path / "missing" / "rsit.trig")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('{"namespace": "x", ', "Expecting", id="not-json"),
        pytest.param('{"values": []}', "no namespace", id="no-namespace"),
        pytest.param(
            '{"namespace": "x", "predicates": [{"value": "a"}, {"value": "a"}]}',
            "defined twice",
            id="duplicate-tag",
        ),
    ],
)
def test_a_file_that_is_not_a_taxonomy_is_an_input_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as e:
        convert(path)
    assert e.value.path == str(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such file"):
        convert(tmp_path / "absent.json")


def test_the_bundled_taxonomies_pass_the_skos_checks(kg: KnowledgeGraph) -> None:
    assert skos_problems(kg) == []
    assert concept_count(kg) > 300
    names = set(kg.graph_names())
    assert {f"{KG}graph/taxonomy/{n}" for n in NAMES} <= names


def test_validate_runs_the_skos_check(kg: KnowledgeGraph) -> None:
    from octograph.graph.validate import CHECKS

    assert "skos" in CHECKS
    report = kg.validate()
    assert report.ok, report.text()
    assert report.counts["skos"] == concept_count(kg)


BROKEN = """
@prefix kg: <https://w3id.org/octograph/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<https://w3id.org/octograph/id/graph/test> {
    kg:s1 a skos:ConceptScheme . kg:s2 a skos:ConceptScheme .
    kg:twice a skos:Concept ; skos:inScheme kg:s1 , kg:s2 .
    kg:nowhere a skos:Concept .
    kg:a a skos:Concept ; skos:inScheme kg:s1 ; skos:broader kg:b .
    kg:b a skos:Concept ; skos:inScheme kg:s1 ; skos:broader kg:a .
    kg:threat skos:closeMatch kg:not-a-concept .
    [] a owl:Axiom ; owl:annotatedSource kg:threat ; owl:annotatedProperty skos:closeMatch ;
       owl:annotatedTarget kg:not-a-concept ; rdfs:comment "why" .
    kg:threat skos:broadMatch kg:a .
    [] a owl:Axiom ; owl:annotatedSource kg:threat ; owl:annotatedProperty skos:exactMatch ;
       owl:annotatedTarget kg:b ; rdfs:comment "why" .
}
"""


def test_the_skos_checks_find_each_kind_of_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.trig"
    path.write_text(BROKEN, encoding="utf-8")
    problems = skos_problems(load([path]))
    assert all(check == "skos" for check, _focus, _message in problems)
    found = {(focus, message) for _check, focus, message in problems}
    assert found == {
        ("kg:twice", "is in 2 concept schemes (exactly one expected)"),
        ("kg:nowhere", "is in no concept scheme (exactly one expected)"),
        ("kg:a", "is its own ancestor (skos:broader cycle)"),
        ("kg:b", "is its own ancestor (skos:broader cycle)"),
        ("kg:threat", "skos:closeMatch kg:not-a-concept: not a skos:Concept"),
        (
            "kg:threat",
            "skos:broadMatch kg:a: no justification (an owl:Axiom annotating it with rdfs:comment)",
        ),
        ("kg:threat", "a justification annotates skos:exactMatch kg:b, which is not asserted"),
    }
