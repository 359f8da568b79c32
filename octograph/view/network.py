"""Knowledge graph -> networkx: entities as nodes, stated relations as edges with their passages."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx
import pyoxigraph as ox

from octograph.errors import NotFoundError
from octograph.graph.querying import resolve_param, select
from octograph.namespaces import OCTO
from octograph.view.generic import generic_networkx

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = [
    "CATEGORIES",
    "GRAPH_FORMATS",
    "rank",
    "shortest_path",
    "to_edge_csv",
    "to_gexf",
    "to_graphml",
    "to_networkx",
]

# The top classes a node is coloured and filtered by, most specific first where they nest.
CATEGORIES = (
    "KeyMessage",
    "Threat",
    "Remedy",
    "Instrument",
    "Stakeholder",
    "Value",
    "Event",
    "Tension",
    "Example",
    "Place",
    "Conference",
    "Project",
    "Report",
    "Figure",
    "Passage",
)

_NODES = f"""
SELECT ?node ?category ?class ?label ?description WHERE {{
    VALUES ?top {{ {" ".join(f"<{OCTO}{c}>" for c in CATEGORIES)} }}
    ?node a ?class . ?class rdfs:subClassOf* ?top .
    BIND(STRAFTER(STR(?top), "#") AS ?category)
    OPTIONAL {{ ?node rdfs:label ?chosen FILTER(LANGMATCHES(LANG(?chosen), ?lang)) }}
    OPTIONAL {{
        ?node rdfs:label ?english FILTER(LANGMATCHES(LANG(?english), "en") || LANG(?english) = "")
    }}
    BIND(COALESCE(?chosen, ?english) AS ?label)
    OPTIONAL {{ ?node rdfs:comment ?description }}
}}"""

_EDGES = """
SELECT ?s ?p ?o ?passage ?number ?quote ?message ?plabel ?how WHERE {
    ?passage a octo:Passage ; octo:passageNumber ?number ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?quote ] .
    OPTIONAL { ?passage octo:inKeyMessage/octo:messageNumber ?message }
    # A plain triple is stated as fact; a qualified statement is the relation it names, with
    # its modality; a requirement links the remedy to whom it is required of.
    GRAPH ?passage {
        { ?s ?p ?o FILTER(isIRI(?s)) }
        UNION
        { ?q rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; octo:modality ?how }
        UNION
        { ?r octo:requires ?s ; octo:requiredOf ?o ; octo:modality ?how
          BIND(octo:requiredOf AS ?p) }
    }
    FILTER(isIRI(?o))
    OPTIONAL { ?p rdfs:label ?plabel }
}"""

# How sure the report is of an edge that passages state differently: the plainest wins, since
# a passage that states it as fact makes it one ("states", then the demands, then the hedges).
_MODALITY_ORDER = ("states", "must", "should", "likely", "may")

# A passage node links to each entity its statements are about by octo:mentions: such an
# entity is one the passage names (or refers back to), which is what the ontology's term says.
# The exports carry this IRI, so it must be a declared term, not one minted here.
_MENTIONS = f"{OCTO}mentions"


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else ""


def to_networkx(
    kg: KnowledgeGraph,
    *,
    categories: Iterable[str] | None = None,
    focus: str | None = None,
    depth: int = 1,
    message: int | None = None,
    messages: bool = True,
    passages: bool = False,
    lang: str = "en",
    taxonomy: bool = False,
) -> nx.MultiDiGraph:
    """The report's entities and the relations its passages state, as a directed multigraph.

    Nodes are keyed by IRI with ``label``, ``category`` (top class), ``cls`` (most specific
    class) and ``description``. Edges are keyed by predicate IRI with ``predicate``, ``label``
    ``passages`` (a list of ``{"id", "number", "message", "quote"}``) and ``modality`` (how
    sure the report is: "states", "may", "likely", "must" or "should"). Pure: reads the
    graph, writes nothing.

    Args:
        categories: keep only nodes of these categories (e.g. ``["Threat", "Remedy"]``).
        focus: keep the neighbourhood of this entity (label, IRI or CURIE) ...
        depth: ... to this many steps, in either direction.
        message: keep only what the passages of key message *message* state.
        messages: include key-message nodes and their edges.
        passages: include a node per passage with an ``octo:mentions`` edge to each entity
            that its statements are about.
        lang: label nodes in this language where the graph has a label in it (else English).
        taxonomy: add the incident-taxonomy classes the threats are aligned with (category
            ``Taxonomy``), linked by their SKOS match; these edges are octograph's alignment,
            not the report's words, so they carry the justification instead of passages.

    >>> from octograph import load
    >>> g = to_networkx(load(), message=1)
    >>> g.nodes["https://w3id.org/octograph/id/budapest-convention"]["category"]
    'Instrument'
    """
    if not (found := _nodes(kg, lang)):  # data without octograph's classes: draw it by type
        return _generic(kg, categories, focus, depth, message, lang)
    kept = _known_categories(categories)
    graph = nx.MultiDiGraph()
    for iri, attrs in found.items():
        if _shown(attrs["category"], kept, messages=messages, passages=passages):
            graph.add_node(iri, **attrs)
    for (s, o, p), edge_attrs in sorted(_edges(kg, graph, message, passages).items()):
        edge_attrs["passages"].sort(key=lambda x: int(x["number"]))
        graph.add_edge(s, o, key=p, **edge_attrs)
    if taxonomy and (kept is None or "Taxonomy" in kept):
        _add_taxonomy_layer(kg, graph)
    if message is not None:
        graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    if focus is not None:
        graph = _around(kg, graph, focus, depth)
    graph.graph["title"] = "octograph"
    return graph


def _generic(
    kg: KnowledgeGraph,
    categories: Iterable[str] | None,
    focus: str | None,
    depth: int,
    message: int | None,
    lang: str,
) -> nx.MultiDiGraph:
    """Any RDF, by rdf:type; no key messages there, so *message* selects nothing."""
    graph = generic_networkx(kg, lang)
    if message is not None:
        return nx.MultiDiGraph(title=graph.graph["title"])
    if categories is not None:
        kept = set(categories)
        graph.remove_nodes_from([n for n, c in list(graph.nodes(data="category")) if c not in kept])
    if focus is not None:
        graph = _around(kg, graph, focus, depth)
        graph.graph["title"] = "octograph"
    return graph


def _shown(category: str, kept: set[str] | None, *, messages: bool, passages: bool) -> bool:
    """Whether a node of *category* is drawn, given the categories *kept* and the options."""
    if category == "KeyMessage" and not messages:
        return False
    if category == "Passage":
        return passages
    return kept is None or category in kept


def _known_categories(categories: Iterable[str] | None) -> set[str] | None:
    kept = set(categories) if categories is not None else None
    unknown = sorted((kept or set()) - set(CATEGORIES) - {"Taxonomy"})
    if unknown:
        raise NotFoundError(
            f"unknown categor{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)} "
            f"(choose from {', '.join(CATEGORIES)})"
        )
    return kept


def _around(kg: KnowledgeGraph, graph: nx.MultiDiGraph, focus: str, depth: int) -> nx.MultiDiGraph:
    """The part of *graph* within *depth* steps of *focus* (a label, IRI or CURIE)."""
    center = resolve_param(kg, focus)
    if not isinstance(center, ox.NamedNode) or center.value not in graph:
        raise NotFoundError(f"{focus!r} is not a node of the graph view")
    near = set(nx.ego_graph(graph.to_undirected(as_view=True), center.value, radius=depth))
    # Built in the whole graph's order: a subgraph view iterates its set of nodes, whose order
    # changes with the interpreter's string hashing, and the picture with it.
    part = nx.MultiDiGraph(**graph.graph)
    part.add_nodes_from((n, a) for n, a in graph.nodes(data=True) if n in near)
    part.add_edges_from(
        (u, v, k, a) for u, v, k, a in graph.edges(keys=True, data=True) if u in near and v in near
    )
    return part


def _nodes(kg: KnowledgeGraph, lang: str) -> dict[str, dict[str, str]]:
    """Every typed entity's attributes, in its top category (the first in CATEGORIES)."""
    if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
        raise NotFoundError(f"{lang!r} is not a language tag (e.g. en, fr)")
    best: dict[str, tuple[int, dict[str, str]]] = {}
    for sol in select(kg, _NODES.replace("?lang", json.dumps(lang))):
        iri, category = _value(sol["node"]), _value(sol["category"])
        rank = CATEGORIES.index(category)
        attrs = {
            "iri": iri,
            "label": _value(sol["label"]) or iri.rsplit("/", 1)[-1],
            "category": category,
            "cls": _value(sol["class"]).removeprefix(OCTO),
            "description": _value(sol["description"]),
        }
        if iri not in best or rank < best[iri][0]:
            best[iri] = (rank, attrs)
    return {iri: attrs for iri, (_, attrs) in best.items()}


def _edges(
    kg: KnowledgeGraph, graph: nx.MultiDiGraph, message: int | None, passages: bool
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(subject, object, predicate) -> edge attributes, for the statements between *graph*'s
    nodes (of key message *message* only, if given), each with the passages that state it."""
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for sol in select(kg, _EDGES):
        s, p, o = _value(sol["s"]), _value(sol["p"]), _value(sol["o"])
        msg = int(_value(sol["message"])) if sol["message"] is not None else None
        if message is not None and msg != message:
            continue
        passage: dict[str, Any] = {
            "id": _value(sol["passage"]),
            "number": int(_value(sol["number"])),
            "message": msg,
            "quote": _value(sol["quote"]),
        }
        if passages and passage["id"] in graph:
            for end in (s, o):
                key = (passage["id"], end, _MENTIONS)
                if end in graph and key not in edges:
                    edges[key] = {
                        "predicate": _MENTIONS,
                        "label": "mentions",
                        "passages": [passage],
                    }
        if s not in graph or o not in graph:
            continue
        label = _value(sol["plabel"]) or p.rsplit("#", 1)[-1]
        edge = edges.setdefault(
            (s, o, p), {"predicate": p, "label": label, "passages": [], "modality": "may"}
        )
        how = _value(sol["how"]).rsplit("#", 1)[-1] if sol["how"] is not None else "states"
        edge["modality"] = min(edge["modality"], how, key=_MODALITY_ORDER.index)
        if passage not in edge["passages"]:
            edge["passages"].append(passage)
    return edges


_ALIGNMENTS = """
SELECT ?threat ?match ?matchLabel ?concept ?label ?scheme ?why WHERE {
    GRAPH <https://w3id.org/octograph/id/graph/alignments> { ?threat ?match ?concept }
    VALUES ?match { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch
                    skos:relatedMatch }
    ?match rdfs:label ?matchLabel .
    ?concept skos:prefLabel ?label ; skos:inScheme/skos:prefLabel ?scheme .
    OPTIONAL { ?axiom owl:annotatedSource ?threat ; owl:annotatedProperty ?match ;
                      owl:annotatedTarget ?concept ; rdfs:comment ?why }
} ORDER BY ?threat ?concept"""


def _add_taxonomy_layer(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:
    for sol in select(kg, _ALIGNMENTS):
        threat, concept = _value(sol["threat"]), _value(sol["concept"])
        if threat not in graph:
            continue
        if concept not in graph:
            graph.add_node(
                concept,
                iri=concept,
                label=f"{_value(sol['label'])} ({_value(sol['scheme'])})",
                category="Taxonomy",
                cls="Concept",
                description=f"A class of the {_value(sol['scheme'])} incident taxonomy.",
            )
        graph.add_edge(
            threat,
            concept,
            key=_value(sol["match"]),
            predicate=_value(sol["match"]),
            label=_value(sol["matchLabel"]),
            passages=[],
            justification=_value(sol["why"]),
        )


# ---------------------------------------------------------------- graph formats


def _flat(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all strings or numbers, as GraphML and GEXF need."""
    flat = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **{k: v for k, v in attrs.items() if isinstance(v, str | int)})
    for s, o, key, attrs in graph.edges(keys=True, data=True):
        stated_by = attrs.get("passages", [])
        flat.add_edge(
            s,
            o,
            key=key,
            predicate=attrs["predicate"],
            label=attrs["label"],
            passages=" ".join(str(p["number"]) for p in stated_by),
            quotes="\n".join(p["quote"] for p in stated_by),
            modality=attrs.get("modality", "states"),
        )
    return flat


def to_graphml(graph: nx.MultiDiGraph) -> bytes:
    """GraphML for Gephi, Cytoscape and yEd: typed string attributes, passages as numbers."""
    return "\n".join(nx.generate_graphml(_flat(graph), named_key_ids=True)).encode("utf-8")


def to_gexf(graph: nx.MultiDiGraph) -> bytes:
    """GEXF 1.2 for Gephi."""
    return "\n".join(nx.generate_gexf(_flat(graph))).encode("utf-8")


def to_edge_csv(graph: nx.MultiDiGraph) -> bytes:
    """One CSV edge list with labels: what Gephi's and Cytoscape's table import expect."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        [
            "source",
            "source_label",
            "source_category",
            "predicate",
            "label",
            "target",
            "target_label",
            "target_category",
            "passages",
            "quotes",
        ]
    )
    for s, o, key, attrs in sorted(graph.edges(keys=True, data=True)):
        stated_by = attrs.get("passages", [])
        writer.writerow(
            [
                s,
                graph.nodes[s]["label"],
                graph.nodes[s]["category"],
                key,
                attrs["label"],
                o,
                graph.nodes[o]["label"],
                graph.nodes[o]["category"],
                " ".join(str(p["number"]) for p in stated_by),
                " | ".join(p["quote"] for p in stated_by),
            ]
        )
    return buf.getvalue().encode("utf-8")


GRAPH_FORMATS = {"graphml": to_graphml, "gexf": to_gexf, "csv": to_edge_csv}


# ---------------------------------------------------------------- analysis


def rank(
    graph: nx.MultiDiGraph, categories: Iterable[str], top: int = 5
) -> dict[str, list[dict[str, Any]]]:
    """The most central nodes of each category, by degree and by betweenness.

    Betweenness is computed on the undirected simple graph: who lies on the paths between
    the report's other entities, whatever the direction of the relation.
    """
    simple = nx.Graph(graph.to_undirected(as_view=True))
    between = nx.betweenness_centrality(simple)
    out: dict[str, list[dict[str, Any]]] = {}
    for category in categories:
        nodes = [n for n, d in graph.nodes(data=True) if d["category"] == category]
        rows = [
            {
                "iri": n,
                "label": graph.nodes[n]["label"],
                "degree": graph.degree(n),
                "betweenness": round(between.get(n, 0.0), 4),
            }
            for n in nodes
        ]
        rows.sort(key=lambda r: (-r["degree"], -r["betweenness"], r["label"]))
        out[category] = rows[:top]
    return out


def shortest_path(graph: nx.MultiDiGraph, source: str, target: str) -> list[dict[str, Any]]:
    """The shortest chain of stated relations between two nodes, in either direction.

    Each step gives the subject, predicate label, object and the passages that state it.

    Raises:
        NotFoundError: there is no chain between them.
    """
    # A simple graph built in sorted order: the search visits neighbours in insertion order,
    # so the same graph gives the same chain in every process (a view of the multigraph
    # would follow set order, which changes with the hash seed).
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in graph.edges()}))
    try:
        nodes = nx.shortest_path(simple, source, target)
    except nx.NetworkXNoPath as e:
        raise NotFoundError(
            f"no chain of relations links {graph.nodes[source]['label']!r} "
            f"and {graph.nodes[target]['label']!r}"
        ) from e
    steps = []
    for a, b in itertools.pairwise(nodes):
        forward = graph.get_edge_data(a, b) or {}
        backward = graph.get_edge_data(b, a) or {}
        choices = [(k, v, (a, b)) for k, v in sorted(forward.items())] + [
            (k, v, (b, a)) for k, v in sorted(backward.items())
        ]
        key, attrs, (s, o) = choices[0]
        steps.append(
            {
                "subject": s,
                "subject_label": graph.nodes[s]["label"],
                "predicate": key,
                "label": attrs["label"],
                "object": o,
                "object_label": graph.nodes[o]["label"],
                "passages": attrs["passages"],
            }
        )
    return steps
