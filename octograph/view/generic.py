"""Any RDF as a networkx graph: for data that uses none of octograph's classes.

Nodes are the IRIs the data types or links, grouped by their ``rdf:type`` (local name of the
class); labels come from ``rdfs:label`` or ``skos:prefLabel``, else the IRI's local name.
Edges are the data's triples between IRIs. The bundled ontology's own graph is left out: it
describes octograph's vocabulary, not the user's data.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import networkx as nx
import pyoxigraph as ox

from octograph.graph.querying import select
from octograph.namespaces import ONTOLOGY_GRAPH

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["UNTYPED", "generic_networkx"]

UNTYPED = "Resource"  # the category of an IRI the data links to but never types

_OUTSIDE_ONTOLOGY = f"FILTER NOT EXISTS {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"

_TYPES = f"""
SELECT DISTINCT ?s ?o WHERE {{
    ?s ?p ?o . FILTER(?p = rdf:type && isIRI(?s) && isIRI(?o)) {_OUTSIDE_ONTOLOGY}
}}"""

_LINKS = f"""
SELECT DISTINCT ?s ?p ?o ?plabel WHERE {{
    ?s ?p ?o . FILTER(?p != rdf:type && isIRI(?s) && isIRI(?o)) {_OUTSIDE_ONTOLOGY}
    OPTIONAL {{ ?p rdfs:label ?plabel }}
}}"""

_LABELS = """
SELECT ?s ?label ?comment WHERE {
    ?s ?p ?label . FILTER(isIRI(?s) && isLiteral(?label))
    FILTER(?p = rdfs:label || ?p = skos:prefLabel)
    FILTER(LANGMATCHES(LANG(?label), ?lang) || LANGMATCHES(LANG(?label), "en")
           || LANG(?label) = "")
    OPTIONAL { ?s rdfs:comment ?comment }
}"""


def _local(iri: str) -> str:
    return re.split(r"[#/:]", iri.rstrip("#/"))[-1] or iri


def generic_networkx(kg: KnowledgeGraph, lang: str = "en") -> nx.MultiDiGraph:
    """The data of *kg* outside octograph's ontology, drawn as it is typed and linked.

    A node with several types takes the alphabetically first, so that the same data gives
    the same picture. Edges carry no passages: nothing says which sentence states them.
    """
    types: dict[str, list[str]] = {}
    for sol in select(kg, _TYPES):
        types.setdefault(sol["s"].value, []).append(_local(sol["o"].value))
    links = []
    for sol in select(kg, _LINKS):
        plabel = sol["plabel"]
        links.append(
            (
                sol["s"].value,
                sol["p"].value,
                sol["o"].value,
                plabel.value if isinstance(plabel, ox.Literal) else _local(sol["p"].value),
            )
        )
    nodes = sorted(set(types) | {s for s, *_ in links} | {o for _, _, o, _ in links})
    labels = _labels(kg, lang)
    graph = nx.MultiDiGraph(title="octograph")
    for iri in nodes:
        label, description = labels.get(iri, (_local(iri), ""))
        graph.add_node(
            iri,
            iri=iri,
            label=label,
            category=min(types.get(iri, [UNTYPED])),
            cls=min(types.get(iri, [UNTYPED])),
            description=description,
        )
    for s, p, o, plabel in sorted(links):
        graph.add_edge(s, o, key=p, predicate=p, label=plabel, passages=[])
    return graph


def _labels(kg: KnowledgeGraph, lang: str) -> dict[str, tuple[str, str]]:
    """IRI -> (label, comment): the label in *lang* first, then English, then untagged."""
    ranked: dict[str, tuple[int, str, str]] = {}
    for sol in select(kg, _LABELS.replace("?lang", f'"{lang}"')):
        label = sol["label"]
        tag = label.language if isinstance(label, ox.Literal) else None
        rank = 0 if tag and tag.lower().startswith(lang.lower()) else 1 if tag else 2
        comment = sol["comment"].value if isinstance(sol["comment"], ox.Literal) else ""
        best = ranked.get(sol["s"].value)
        if best is None or (rank, label.value) < best[:2]:
            ranked[sol["s"].value] = (rank, label.value, comment)
    return {iri: (label, comment) for iri, (_, label, comment) in ranked.items()}
