"""Any RDF as a networkx graph: for data that uses none of octograph's classes.

Nodes are the IRIs the data types or links, grouped by their ``rdf:type`` (local name of the
class); labels come from the usual naming properties (NAMES: ``skos:prefLabel``,
``rdfs:label``, FOAF's and schema.org's ``name``, Dublin Core's ``title``), else the IRI's
local name, and descriptions from the usual describing ones (DESCRIPTIONS).
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

__all__ = ["DESCRIPTIONS", "NAMES", "UNTYPED", "generic_networkx"]

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

_SCHEMA = ("http://schema.org/", "https://schema.org/")
# In the order preferred when a node has several (after the language: a label in the
# language asked for comes first whatever names it).
NAMES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://xmlns.com/foaf/0.1/name",
    *(f"{schema}name" for schema in _SCHEMA),
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/elements/1.1/title",
)
DESCRIPTIONS = (
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    *(f"{schema}description" for schema in _SCHEMA),
    "http://purl.org/dc/terms/description",
    "http://purl.org/dc/elements/1.1/description",
)

_PROPERTIES = " ".join(f"<{p}>" for p in NAMES + DESCRIPTIONS)
_TEXTS = f"""
SELECT ?s ?p ?text WHERE {{
    VALUES ?p {{ {_PROPERTIES} }}
    ?s ?p ?text . FILTER(isIRI(?s) && isLiteral(?text))
    FILTER(LANGMATCHES(LANG(?text), ?lang) || LANGMATCHES(LANG(?text), "en")
           || LANG(?text) = "")
}}"""


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
        label, description = labels.get(iri, ("", ""))
        graph.add_node(
            iri,
            iri=iri,
            label=label or _local(iri),
            category=min(types.get(iri, [UNTYPED])),
            cls=min(types.get(iri, [UNTYPED])),
            description=description,
        )
    for s, p, o, plabel in sorted(links):
        graph.add_edge(s, o, key=p, predicate=p, label=plabel, passages=[])
    return graph


def _labels(kg: KnowledgeGraph, lang: str) -> dict[str, tuple[str, str]]:
    """IRI -> (label, description), each the one in *lang* first, then English, then untagged,
    and of those by the order of NAMES and DESCRIPTIONS; "" where the data has none."""
    best: dict[tuple[str, bool], tuple[int, int, str]] = {}
    for sol in select(kg, _TEXTS.replace("?lang", f'"{lang}"')):
        text, p = sol["text"], sol["p"].value
        tag = text.language if isinstance(text, ox.Literal) else None
        rank = 0 if tag and tag.lower().startswith(lang.lower()) else 1 if tag else 2
        is_name = p in NAMES
        key = (sol["s"].value, is_name)
        found = (rank, (NAMES if is_name else DESCRIPTIONS).index(p), text.value)
        if key not in best or found < best[key]:
            best[key] = found
    return {
        iri: (
            best[iri, True][2] if (iri, True) in best else "",
            best[iri, False][2] if (iri, False) in best else "",
        )
        for iri, _ in best
    }
