"""Export: every RDF format parses back, with rdflib and pyoxigraph, into the same graph."""

from __future__ import annotations

import io
import itertools

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from octograph import KnowledgeGraph
from octograph.engines.embedded import OxigraphEngine
from octograph.formats import find, names
from octograph.graph.export import serialize

RDFLIB_NAMES = {
    "turtle": "turtle",
    "trig": "trig",
    "nt": "nt",
    "nquads": "nquads",
    "jsonld": "json-ld",
    "xml": "xml",
}


def _union(kg: KnowledgeGraph) -> set[ox.Triple]:
    return kg.triples()


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in names("rdf")])
def test_round_trip_with_pyoxigraph(kg: KnowledgeGraph, name: str) -> None:
    fmt = find(name, "rdf")
    parsed = list(ox.parse(io.BytesIO(serialize(kg, name)), format=fmt.rdf))
    if fmt.quads:
        assert set(parsed) == set(kg.quads())  # graph by graph
    else:
        assert {q.triple for q in parsed} == _union(kg)


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in names("rdf")])
def test_round_trip_with_rdflib(kg: KnowledgeGraph, name: str) -> None:
    fmt = find(name, "rdf")
    data = serialize(kg, name)
    expected = kg.dataset
    if fmt.quads:
        got = rdflib.Dataset()
        got.parse(data=data, format=RDFLIB_NAMES[name])
        for graph in expected.graphs():
            if len(graph) == 0:
                continue
            other = got.graph(graph.identifier)
            assert isomorphic(graph, other), f"graph {graph.identifier} differs"
        assert sum(len(g) for g in got.graphs()) == len(kg.quads())
    else:
        got_graph = rdflib.Graph().parse(data=data, format=RDFLIB_NAMES[name])
        union = rdflib.Graph()
        for triple in expected.triples((None, None, None)):
            union.add(triple)
        assert isomorphic(union, got_graph)


def test_turtle_is_readable_with_prefixes(kg: KnowledgeGraph) -> None:
    text = serialize(kg, "turtle").decode("utf-8")
    assert "@prefix octo: <https://w3id.org/octograph/ontology#> ." in text
    assert "\nkg:budapest-convention " in text
    assert "octopus-2019-passage:12 a octo:Passage" in text


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in names("rdf")])
def test_cyclic_blank_nodes_survive_every_format(name: str) -> None:
    # JSON-LD's tree form cannot nest a cycle; octograph writes it flat, with _: identifiers.
    from octograph import KnowledgeGraph

    data = (
        b"_:a <http://example.org/p> _:b .\n_:b <http://example.org/p> _:a .\n"
        b'_:a <http://example.org/q> "x"@en .\n'
    )
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("http://example.org/g"))
    kg = KnowledgeGraph(OxigraphEngine.from_quads(store))
    out = serialize(kg, name)
    got = rdflib.Dataset()
    got.parse(data=out, format=RDFLIB_NAMES[name])
    union = rdflib.Graph()
    for s, p, o, _ in got.quads((None, None, None, None)):
        union.add((s, p, o))
    assert isomorphic(union, rdflib.Graph().parse(data=data, format="nt"))


def test_turtle_prefixes_come_in_a_sensible_order(kg: KnowledgeGraph) -> None:
    text = serialize(kg, "turtle").decode("utf-8")
    names = [line.split()[1] for line in text.splitlines() if line.startswith("@prefix ")]
    # The W3C vocabularies first (rdf, rdfs, owl, xsd leading), then octograph's own.
    assert names[:4] == ["rdf:", "rdfs:", "owl:", "xsd:"]
    w3c = [n for n in names if n in {"skos:", "prov:", "oa:", "org:", "sh:"}]
    assert names[4 : 4 + len(w3c)] == sorted(w3c)
    assert names[4 + len(w3c) : 6 + len(w3c)] == ["octo:", "kg:"]
    generated = names[8 + len(w3c) :]
    assert names[6 + len(w3c) : 8 + len(w3c)] == ["dcterms:", "schema:"]
    assert generated == sorted(generated, key=lambda n: n.rstrip(":"))
    assert "taxonomy:" in generated


@pytest.mark.parametrize("name", ["turtle", "trig"])
def test_a_blank_line_between_subjects(kg: KnowledgeGraph, name: str) -> None:
    lines = serialize(kg, name).decode("utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if not line.startswith("@prefix"))
    assert lines[first] == "", "a blank line after the prefixes"
    body = lines[first + 1 :]
    indent = 1 if name == "trig" else 0  # TriG's subjects sit one tab into their graph
    for before, line in itertools.pairwise(body):
        starts_subject = line and len(line) - len(line.lstrip("\t")) == indent
        if starts_subject and line != "}" and not line.endswith("{"):
            assert before == "" or before.endswith("{"), f"no blank line before {line!r}"


def test_trig_names_each_graph_once(kg: KnowledgeGraph) -> None:
    text = serialize(kg, "trig").decode("utf-8")
    opened = [line for line in text.splitlines() if line.endswith("{")]
    assert len(opened) == len(set(opened)) == len(kg.graph_names())
