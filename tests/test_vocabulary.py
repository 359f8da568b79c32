"""Every octo: term in every export octograph writes is declared in the ontology."""

from __future__ import annotations

import re
from collections.abc import Callable

import networkx as nx
import pytest
import rdflib
from rdflib.namespace import RDF

from octograph import KnowledgeGraph
from octograph.formats import names
from octograph.graph.load import bundled_ontology
from octograph.view.network import GRAPH_FORMATS

OCTO = "https://w3id.org/octograph/ontology#"
# A term in full, as the graph-for-tools formats and N-Triples write it; the RDF exports are
# also parsed, since Turtle, TriG, JSON-LD and RDF/XML may abbreviate it with a prefix.
TERM = re.compile(re.escape(OCTO) + r"[A-Za-z_][A-Za-z0-9_.-]*")
RDFLIB_FORMATS = {"xml": "xml", "jsonld": "json-ld", "nt": "nt", "nquads": "nquads"}


@pytest.fixture(scope="module")
def declared() -> set[str]:
    """Terms that are the subject of an rdf:type triple in ontology/octograph.ttl."""
    ontology = rdflib.Graph().parse(bundled_ontology(), format="turtle")
    return {str(s) for s in ontology.subjects(RDF.type, None) if str(s).startswith(OCTO)}


@pytest.fixture(scope="module")
def everything(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """The graph view with every optional layer, so that every kind of edge is exported."""
    return kg.to_networkx(passages=True, taxonomy=True)


def _undeclared(found: set[str], declared: set[str]) -> list[str]:
    return sorted(t for t in found if t.startswith(OCTO) and t != OCTO and t not in declared)


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in names("rdf")])
def test_rdf_exports_use_only_declared_terms(
    kg: KnowledgeGraph, declared: set[str], fmt: str
) -> None:
    data = kg.export(fmt)
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=RDFLIB_FORMATS.get(fmt, fmt))
    # IRIs only: the ontology's header gives the bare namespace as a literal (vann).
    found = {str(t) for quad in dataset.quads() for t in quad if isinstance(t, rdflib.URIRef)}
    found |= set(TERM.findall(data.decode("utf-8")))
    assert found & declared, f"the {fmt} export uses no octo: term at all"
    assert _undeclared(found, declared) == []


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in GRAPH_FORMATS])
def test_graph_exports_use_only_declared_terms(
    everything: nx.MultiDiGraph, declared: set[str], fmt: str
) -> None:
    write: Callable[[nx.MultiDiGraph], bytes] = GRAPH_FORMATS[fmt]
    found = set(TERM.findall(write(everything).decode("utf-8")))
    assert found & declared, f"the {fmt} export uses no octo: term at all"
    assert _undeclared(found, declared) == []
