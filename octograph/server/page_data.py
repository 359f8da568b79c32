"""What the pages for people show of the graph: an entity with its links, the reports' overview.

These run inside a worker process (see pool.py), like answers.py, and return plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import pyoxigraph as ox

from octograph.errors import NotFoundError
from octograph.graph.export import format_for, prefixes_for
from octograph.graph.querying import add_labels, select, stats
from octograph.namespaces import PREFIXES
from octograph.server.answers import ServerData, embedded
from octograph.server.tables import Cell, as_cell, named_results
from octograph.sparql.results import Results

__all__ = [
    "EntityPage",
    "Link",
    "Message",
    "Overview",
    "Quote",
    "ReportSummary",
    "entity_page",
    "entity_rdf",
    "overview",
]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
SKOS_PREFLABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
OA_EXACT = "http://www.w3.org/ns/oa#exact"


class Quote(NamedTuple):
    """A passage that states something: its IRI, number and words."""

    iri: str
    number: int
    text: str


class Link(NamedTuple):
    """One statement about an entity: the predicate, the other end and where it is stated.

    ``graph`` is set for a statement outside the passages (a definition, the structure).
    """

    predicate: Cell
    other: Cell
    quotes: tuple[Quote, ...]
    graphs: tuple[str, ...]
    # How sure the report is ("may", "must", ...): "states" for a plain statement of a
    # passage, empty for a definition.
    modality: str = ""


class EntityPage(NamedTuple):
    """What an entity page shows."""

    iri: str
    label: str
    description: str
    types: tuple[Cell, ...]
    outgoing: tuple[Link, ...]
    incoming: tuple[Link, ...]
    quote: str
    stated: tuple[tuple[Cell, Cell, Cell], ...]


def _entity(iri: str) -> ox.NamedNode:
    # Checked by pyoxigraph, whose str() then writes it safely into SPARQL text.
    try:
        return ox.NamedNode(iri)
    except ValueError as e:
        raise NotFoundError(f"{iri!r} is not an IRI") from e


def _links(data: ServerData, iri: str) -> tuple[list[Link], list[Link]]:
    results = named_results(data, "entity", {"entity": f"<{iri}>"}, 100_000)
    grouped: dict[tuple[str, Cell, Cell, str], tuple[list[Quote], list[str]]] = {}
    for row in results.rows:
        values = dict(zip(results.variables, row, strict=True))
        predicate, other = values["predicate"], values["other"]
        if predicate is None or other is None:
            continue
        label = values["predicateLabel"]
        p = Cell("uri", predicate.value, label.value if label is not None else "")
        o = as_cell(other, {})
        assert o is not None
        other_label = values["otherLabel"]
        if other_label is not None and o.kind == "uri":
            o = o._replace(label=other_label.value)
        how = values.get("modality")
        modality = how.value if how is not None else ""
        key = (str(values["direction"].value if values["direction"] else ""), p, o, modality)
        quotes, graphs = grouped.setdefault(key, ([], []))
        number, quote, graph = values["passageNumber"], values["quote"], values["graph"]
        if number is not None and quote is not None and graph is not None:
            q = Quote(graph.value, int(number.value), quote.value)
            if q not in quotes:
                quotes.append(q)
        elif graph is not None and graph.value not in graphs:
            graphs.append(graph.value)
    outgoing: list[Link] = []
    incoming: list[Link] = []
    for (direction, p, o, modality), (quotes, graphs) in grouped.items():
        link = Link(p, o, tuple(sorted(quotes)), tuple(graphs), modality)
        (outgoing if direction == "out" else incoming).append(link)
    return outgoing, incoming


def _first(links: Iterable[Link], predicate: str) -> str:
    for link in links:
        if link.predicate.value == predicate:
            return link.other.value
    return ""


def entity_page(data: ServerData, iri: str) -> EntityPage:
    """Everything the graph says about *iri*, in both directions, with the passages' words.

    Raises:
        NotFoundError: the graph has no statement about *iri*, or it is not an IRI.
    """
    node = _entity(iri)
    outgoing, incoming = _links(data, iri)
    if not outgoing and not incoming:
        raise NotFoundError(f"the graph has nothing about <{iri}>")
    label = _first(outgoing, SKOS_PREFLABEL) or _first(outgoing, RDFS_LABEL)
    types = tuple(link.other for link in outgoing if link.predicate.value == RDF_TYPE)
    shown = [
        link
        for link in outgoing
        if link.predicate.value not in {RDF_TYPE, RDFS_LABEL, RDFS_COMMENT, SKOS_PREFLABEL}
    ]
    stated: list[tuple[Cell, Cell, Cell]] = []
    quote = ""
    in_graph = embedded(data.kg).graph(node)
    if in_graph:
        results = Results(
            kind="select",
            variables=["s", "p", "o"],
            rows=[
                (q.subject, q.predicate, q.object)  # type: ignore[misc]
                for q in in_graph
            ],
        )
        add_labels(data.kg, results)
        for s, p, o in results.rows:
            cells = (
                as_cell(s, results.labels),
                as_cell(p, results.labels),
                as_cell(o, results.labels),
            )
            stated.append(cells)  # type: ignore[arg-type]
        stated.sort(key=lambda c: (c[0].label or c[0].value, c[1].value, c[2].value))
    for sol in select(
        data.kg, f"SELECT ?q WHERE {{ {node} oa:hasSelector/<{OA_EXACT}> ?q }} LIMIT 1"
    ):
        quote = sol["q"].value if sol["q"] is not None else ""
    return EntityPage(
        iri=iri,
        label=label,
        description=_first(outgoing, RDFS_COMMENT),
        types=types,
        outgoing=tuple(shown),
        incoming=tuple(incoming),
        quote=quote,
        stated=tuple(stated),
    )


def entity_rdf(data: ServerData, iri: str, graph_format: str) -> bytes:
    """The statements about *iri* (as subject or object) in *graph_format*.

    Triple formats get the distinct triples; TriG and N-Quads keep the graph of each
    statement, so a tool sees which passage states it.

    Raises:
        NotFoundError: the graph has no statement about *iri*, or it is not an IRI.
    """
    node = _entity(iri)
    about = embedded(data.kg).about(node)
    if not about:
        raise NotFoundError(f"the graph has nothing about <{iri}>")
    fmt = format_for(graph_format)
    items: list[ox.Quad] | list[ox.Triple]
    if fmt.quads:
        # Each statement in the graphs that state it; the default graph, which repeats
        # them all as their union, only for what no named graph holds.
        named = {q for q in about if not isinstance(q.graph_name, ox.DefaultGraph)}
        stated = {q.triple for q in named}
        own = {q for q in about if isinstance(q.graph_name, ox.DefaultGraph)}
        items = sorted(named | {q for q in own if q.triple not in stated}, key=str)
    else:
        items = sorted({q.triple for q in about}, key=str)
    iris = [
        t for q in about for t in (q.subject, q.object, q.graph_name) if isinstance(t, ox.NamedNode)
    ]
    out = ox.serialize(items, format=fmt.rdf, prefixes=prefixes_for(iris) if fmt.prefixes else None)
    assert out is not None
    return out


# ---------------------------------------------------------------- overview


class Message(NamedTuple):
    """A key message with what it names."""

    iri: str
    number: int
    title: str
    passages: int
    threats: tuple[Cell, ...]
    instruments: tuple[Cell, ...]
    remedies: tuple[Cell, ...]


class ReportSummary(NamedTuple):
    """A report, the event it reports on, and its key messages."""

    iri: str
    label: str
    title: str
    description: str
    facts: tuple[Link, ...]
    event: EntityPage | None
    messages: tuple[Message, ...]


class Overview(NamedTuple):
    """What the home page shows: every report and the counts of the whole graph."""

    reports: tuple[ReportSummary, ...]
    stats: dict[str, object]


_MESSAGES = """
SELECT ?message ?number ?title (COUNT(DISTINCT ?passage) AS ?passages) WHERE {
    %s octo:hasKeyMessage ?message .
    ?message octo:messageNumber ?number .
    OPTIONAL { ?message dcterms:title ?title }
    OPTIONAL { ?passage octo:inKeyMessage ?message }
} GROUP BY ?message ?number ?title ORDER BY ?number"""

_NAMED = """
SELECT DISTINCT ?message ?relation ?item ?label WHERE {
    VALUES ?relation { octo:identifiesThreat octo:citesInstrument octo:proposesRemedy }
    %s octo:hasKeyMessage ?message .
    ?message ?relation ?item .
    OPTIONAL {
        ?item rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en") || LANG(?label) = "")
    }
} ORDER BY ?message ?relation LCASE(STR(?label))"""


def overview(data: ServerData) -> Overview:
    """The reports in the graph: their facts, the event reported on, the key messages."""
    octo = PREFIXES["octo"]
    reports: list[ReportSummary] = []
    for sol in select(data.kg, "SELECT ?r WHERE { ?r a octo:Report } ORDER BY ?r"):
        iri = sol["r"].value
        page = entity_page(data, iri)
        event_iri = _first(page.outgoing, octo + "reportsOn")
        event = entity_page(data, event_iri) if event_iri else None
        named: dict[tuple[str, str], list[Cell]] = {}
        for row in select(data.kg, _NAMED % sol["r"]):
            label = row["label"]
            item = Cell("uri", row["item"].value, label.value if label is not None else "")
            named.setdefault((row["message"].value, row["relation"].value), []).append(item)
        messages = []
        for row in select(data.kg, _MESSAGES % sol["r"]):
            m = row["message"].value
            heading = row["title"]
            messages.append(
                Message(
                    iri=m,
                    number=int(row["number"].value),
                    title=heading.value if heading is not None else "",
                    passages=int(row["passages"].value),
                    threats=tuple(named.get((m, octo + "identifiesThreat"), [])),
                    instruments=tuple(named.get((m, octo + "citesInstrument"), [])),
                    remedies=tuple(named.get((m, octo + "proposesRemedy"), [])),
                )
            )
        title = _first(page.outgoing, "http://purl.org/dc/terms/title")
        reports.append(
            ReportSummary(
                iri=iri,
                label=page.label,
                title=title,
                description=page.description,
                facts=tuple(
                    link
                    for link in page.outgoing
                    if link.quotes and not link.predicate.value.endswith("hasKeyMessage")
                ),
                event=event,
                messages=tuple(messages),
            )
        )
    return Overview(tuple(reports), stats(data.kg))
