"""What the server's query workers compute: SPARQL answers, serialised, and the data of pages.

Every function here runs inside a worker process (see server_pool) and returns plain,
picklable values: bytes for protocol answers, tuples of strings for pages. Nothing here
knows HTTP; errors are OctographError subclasses that server.py turns into statuses.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable, Mapping
from itertools import islice
from typing import IO, NamedTuple, cast

import pyoxigraph as ox

from octograph.engines.embedded import OxigraphEngine
from octograph.errors import NotFoundError, QueryError, StoreError
from octograph.graph.export import format_for, prefixes_for, serialize_triples
from octograph.graph.load import KnowledgeGraph
from octograph.graph.querying import add_labels, run, select, stats
from octograph.namespaces import PREFIXES
from octograph.search import Hit, PassageIndex
from octograph.server.protocol import QueryShape, inspect_query
from octograph.sparql.questions import NamedQuestion
from octograph.sparql.results import Results, Term
from octograph.sparql.syntax import query_error
from octograph.sparql.writers import render

__all__ = [
    "Answer",
    "Cell",
    "EntityPage",
    "IndexImage",
    "Link",
    "Overview",
    "Quote",
    "ServerData",
    "Table",
    "answer",
    "download",
    "embedded",
    "entity_page",
    "entity_rdf",
    "inspect",
    "overview",
    "search",
    "table",
]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
SKOS_PREFLABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
OA_EXACT = "http://www.w3.org/ns/oa#exact"


class IndexImage:
    """The passage index as bytes, read before the fork; each process searches its own copy.

    An SQLite connection must not cross a fork, and the workers may open no file (see
    server_pool): each process that searches makes an in-memory connection from the bytes
    the fork gave it, at its first search.
    """

    def __init__(self, image: bytes) -> None:
        self.image = image
        self._opened: tuple[int, PassageIndex] | None = None  # (process id, its connection)

    def index(self) -> PassageIndex:
        """This process's copy of the index."""
        pid = os.getpid()
        if self._opened is None or self._opened[0] != pid:
            self._opened = (pid, PassageIndex.from_image(self.image))
        return self._opened[1]


class ServerData(NamedTuple):
    """What every worker holds, read before fork: the graph, the named questions, the index."""

    kg: KnowledgeGraph
    questions: Mapping[str, NamedQuestion]
    search: IndexImage | None = None


class Dataset(NamedTuple):
    """The graphs a request names (``default-graph-uri``, ``named-graph-uri``); none: all."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def union(self) -> bool:
        """Whether no graph is named.

        Then, as everywhere in octograph, the default graph is the union of all graphs (the
        store's default graph holds it, see KnowledgeGraph) and every named graph is
        available; FROM and FROM NAMED still select among the stored graphs, nothing is
        fetched. Graphs named: exactly those, as the SPARQL 1.1 Protocol says, and a part
        not named is empty.
        """
        return not self.default and not self.named


def embedded(kg: KnowledgeGraph) -> OxigraphEngine:
    """The in-memory Oxigraph engine the workers answer from (the app copies any other in)."""
    engine = kg.engine
    assert isinstance(engine, OxigraphEngine), "the server answers from an in-memory Oxigraph"
    return engine


def _iri(value: str, what: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as e:
        raise QueryError(f"{what} {value!r} is not an IRI: {e}") from e


def _execute(data: ServerData, text: str, dataset: Dataset, base_iri: str | None) -> object:
    engine = embedded(data.kg)
    try:
        if dataset.union():
            return engine.native(text, base_iri=base_iri)
        default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]
        default = [_iri(i, "default-graph-uri") for i in dataset.default]
        named: list[ox.NamedNode | ox.BlankNode]
        named = [_iri(i, "named-graph-uri") for i in dataset.named]
        return engine.native(text, base_iri=base_iri, default_graph=default, named_graphs=named)
    except SyntaxError as e:
        raise query_error(e, text) from e
    except (OSError, ValueError, RuntimeError) as e:
        raise QueryError(f"the query cannot run: {e}") from e


def inspect(data: ServerData, text: str) -> QueryShape:
    """The form and keywords of a long query text (see server_sparql.inspect_query)."""
    return inspect_query(text)


# ---------------------------------------------------------------- protocol answers


class Answer(NamedTuple):
    """A protocol answer: its format's name, the body, whether rows were cut, the query form."""

    format: str
    body: bytes
    truncated: bool
    kind: str


class _TooManyRowsError(Exception):
    """Raised by the sink to stop pyoxigraph's serialiser once the result has too many rows."""


class _RowCountingSink:
    """A file-like sink for pyoxigraph's result serialisers that stops past *max_rows* rows.

    It counts an upper bound of the rows written so far from bytes that can only occur
    between rows: ``<result>`` in XML and newlines in TSV are exact (values escape them);
    in CSV a quoted value may hold a newline and in JSON a string may hold ``{``, so there
    the bound may overshoot. Overshooting only sends the answer down the exact, slower path.
    """

    _TAIL = 7  # the longest pattern counted, minus one

    def __init__(self, fmt: str, max_rows: int) -> None:
        self.fmt = fmt
        self.max_rows = max_rows
        self.chunks: list[bytes] = []
        self._tail = b""
        self._count = 0  # "{" in JSON, <result> in XML, newlines in CSV and TSV
        self._terms = 0  # term objects in JSON

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.chunks.append(chunk)
        window = self._tail + chunk
        if self.fmt == "json":
            self._count += chunk.count(b"{")
            self._terms += window.count(b'"type":"')
            bound = self._count - 3 - self._terms  # the root, head and results objects
        elif self.fmt == "xml":
            self._count += window.count(b"<result>")
            bound = self._count
        else:
            self._count += chunk.count(b"\n")
            bound = self._count - 1  # the header line
        self._tail = window[-self._TAIL :]
        if bound > self.max_rows:
            raise _TooManyRowsError
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the chunks stay in memory."""


class _TsvCut:
    """A sink for TSV results that keeps the header and the first *max_rows* rows exactly.

    In TSV every line after the header is one row (values escape their newlines), so the
    cut is exact; ``more`` says whether a row followed the ones kept.
    """

    def __init__(self, max_rows: int) -> None:
        self.lines_wanted = max_rows + 1
        self.lines = 0
        self.kept: list[bytes] = []
        self.more = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        missing = self.lines_wanted - self.lines
        newlines = chunk.count(b"\n")
        if missing > newlines:
            self.kept.append(chunk)
            self.lines += newlines
            return len(chunk)
        end = -1
        for _ in range(missing):
            end = chunk.index(b"\n", end + 1)
        self.kept.append(chunk[: end + 1])
        self.lines = self.lines_wanted
        if end + 1 < len(chunk):
            self.more = True
            raise _TooManyRowsError
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the chunks stay in memory."""


_NATIVE = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def _cut_solutions(
    data: ServerData, text: str, dataset: Dataset, base_iri: str | None, fmt: str, max_rows: int
) -> tuple[bytes, bool]:
    """The first *max_rows* solutions in *fmt*, cut exactly, and whether there were more.

    The query runs again (evaluation is lazy: it stops past the rows kept), written as TSV
    and cut at a line, then read back and written in *fmt*, all by pyoxigraph.
    """
    raw = _execute(data, text, dataset, base_iri)
    assert isinstance(raw, ox.QuerySolutions)
    cut = _TsvCut(max_rows)
    with contextlib.suppress(_TooManyRowsError):
        raw.serialize(cast("IO[bytes]", cut), format=ox.QueryResultsFormat.TSV)
    tsv = b"".join(cut.kept)
    if fmt == "tsv":
        return tsv, cut.more
    again = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    assert isinstance(again, ox.QuerySolutions)
    return again.serialize(format=_NATIVE[fmt]) or b"", cut.more


def answer(
    data: ServerData,
    text: str,
    dataset: Dataset,
    base_iri: str | None,
    result_format: str,
    graph_format: str,
    max_rows: int,
) -> Answer:
    """Run *text* and serialise its answer: SELECT/ASK in *result_format*, else *graph_format*.

    SELECT results go through pyoxigraph's own serialisers (several times faster than
    building Python objects per term) into a sink that stops past *max_rows* rows; only then
    is the answer cut exactly (see _cut_solutions). CONSTRUCT and DESCRIBE keep at most
    *max_rows* triples.
    """
    raw = _execute(data, text, dataset, base_iri)
    fmt = result_format
    try:
        if isinstance(raw, ox.QueryBoolean):
            results = Results(kind="ask", boolean=bool(raw))
            return Answer(fmt, render(results, fmt).encode("utf-8"), False, "ask")
        if isinstance(raw, ox.QuerySolutions):
            sink = _RowCountingSink(fmt, max_rows)
            try:
                raw.serialize(cast("IO[bytes]", sink), format=_NATIVE[fmt])
                return Answer(fmt, b"".join(sink.chunks), False, "select")
            except _TooManyRowsError:
                pass
            body, more = _cut_solutions(data, text, dataset, base_iri, fmt, max_rows)
            return Answer(fmt, body, more, "select")
        triples = list(islice(raw, max_rows + 1))  # type: ignore[call-overload]
        body = serialize_triples(triples[:max_rows], graph_format)
        return Answer(graph_format, body, len(triples) > max_rows, "graph")
    except (OSError, RuntimeError, ValueError, SyntaxError) as e:
        # pyoxigraph evaluates lazily: evaluation errors surface while the answer is written.
        raise QueryError(f"the query failed while running: {e}") from e


# ---------------------------------------------------------------- tables for pages


class Cell(NamedTuple):
    """An RDF term as a page shows it: kind (uri, bnode, literal), value, label, lang, type."""

    kind: str
    value: str
    label: str = ""
    language: str = ""
    datatype: str = ""


class Table(NamedTuple):
    """A query answer as a page shows it, with labels and the time it took."""

    kind: str
    variables: tuple[str, ...]
    rows: tuple[tuple[Cell | None, ...], ...]
    boolean: bool | None
    truncated: bool
    seconds: float


def _cell(term: Term | None, labels: Mapping[str, str]) -> Cell | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Cell("uri", term.value, labels.get(term.value, ""))
    if isinstance(term, ox.BlankNode):
        return Cell("bnode", term.value)
    return Cell("literal", term.value, "", term.language or "", term.datatype.value)


def _table(kg: KnowledgeGraph, results: Results, seconds: float) -> Table:
    if results.kind == "graph":
        results.variables = ["subject", "predicate", "object"]
        results.rows = [
            (t.subject, t.predicate, t.object)  # type: ignore[misc]  # no quoted triples here
            for t in results.triples
        ]
        add_labels(kg, results)
    rows = tuple(tuple(_cell(t, results.labels) for t in row) for row in results.rows)
    return Table(
        results.kind, tuple(results.variables), rows, results.boolean, results.truncated, seconds
    )


def _cut(results: Results, max_rows: int) -> Results:
    if results.kind == "graph" and len(results.triples) > max_rows:
        results.triples = sorted(results.triples, key=str)[:max_rows]
        results.truncated = True
    elif len(results.rows) > max_rows:
        results.rows = results.rows[:max_rows]
        results.truncated = True
    return results


def _named_results(
    data: ServerData, name: str, params: Mapping[str, str], max_rows: int
) -> Results:
    # query.run_named reads the question's file, and the workers may open no file (see
    # server_pool): the questions were read before the fork, their defaults are filled here.
    question = data.questions.get(name)
    if question is None:
        raise NotFoundError(f"no named question {name!r}")
    values: dict[str, object] = {}
    for p in question.params:
        value = params.get(p.name) or p.default
        if value is None:
            raise QueryError(f"named question {name!r} needs a value for {p.name}")
        values[p.name] = value
    return _cut(run(data.kg, question.sparql, values, limit=max_rows), max_rows)


def _text_results(
    data: ServerData, text: str, dataset: Dataset, base_iri: str | None, max_rows: int
) -> Results:
    raw = _execute(data, text, dataset, base_iri)
    try:
        if isinstance(raw, ox.QueryBoolean):
            results = Results(kind="ask", boolean=bool(raw))
        elif isinstance(raw, ox.QuerySolutions):
            variables = [v.value for v in raw.variables]
            rows = [tuple(s) for s in islice(raw, max_rows + 1)]
            results = Results(kind="select", variables=variables, rows=rows)
        else:
            triples = list(islice(raw, max_rows + 1))  # type: ignore[call-overload]
            results = Results(kind="graph", triples=triples)
    except (OSError, RuntimeError, ValueError) as e:
        raise QueryError(f"the query failed while running: {e}") from e
    _cut(results, max_rows)
    add_labels(data.kg, results)
    return results


def table(
    data: ServerData,
    text: str | None,
    name: str | None,
    params: Mapping[str, str],
    dataset: Dataset,
    base_iri: str | None,
    max_rows: int,
) -> Table:
    """Run SPARQL *text*, or the named question *name* with *params*, for the query page."""
    start = time.perf_counter()
    if name:
        results = _named_results(data, name, params, max_rows)
    else:
        results = _text_results(data, text or "", dataset, base_iri, max_rows)
    return _table(data.kg, results, time.perf_counter() - start)


def download(
    data: ServerData,
    text: str | None,
    name: str | None,
    params: Mapping[str, str],
    dataset: Dataset,
    base_iri: str | None,
    result_format: str,
    graph_format: str,
    max_rows: int,
) -> Answer:
    """The query page's answer as a file: a named question's, or that of SPARQL *text*."""
    if not name:
        return answer(data, text or "", dataset, base_iri, result_format, graph_format, max_rows)
    results = _named_results(data, name, params, max_rows)
    if results.kind == "graph":
        return Answer(
            graph_format,
            serialize_triples(results.triples, graph_format),
            results.truncated,
            "graph",
        )
    body = render(results, result_format).encode("utf-8")
    return Answer(result_format, body, results.truncated, results.kind)


# ---------------------------------------------------------------- passage search


def search(data: ServerData, text: str, limit: int) -> tuple[Hit, ...]:
    """The passages matching *text*, best first, at most *limit* (see octograph.search).

    Raises:
        QueryError: *text* is not a search (no word, too many).
        StoreError: the server was started without a passage index.
    """
    if data.search is None:
        raise StoreError("this server has no passage index")
    return tuple(data.search.index().search(text, limit=limit))


# ---------------------------------------------------------------- entity pages


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
    results = _named_results(data, "entity", {"entity": f"<{iri}>"}, 100_000)
    grouped: dict[tuple[str, Cell, Cell], tuple[list[Quote], list[str]]] = {}
    for row in results.rows:
        values = dict(zip(results.variables, row, strict=True))
        predicate, other = values["predicate"], values["other"]
        if predicate is None or other is None:
            continue
        label = values["predicateLabel"]
        p = Cell("uri", predicate.value, label.value if label is not None else "")
        o = _cell(other, {})
        assert o is not None
        other_label = values["otherLabel"]
        if other_label is not None and o.kind == "uri":
            o = o._replace(label=other_label.value)
        key = (str(values["direction"].value if values["direction"] else ""), p, o)
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
    for (direction, p, o), (quotes, graphs) in grouped.items():
        link = Link(p, o, tuple(sorted(quotes)), tuple(graphs))
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
            cells = (_cell(s, results.labels), _cell(p, results.labels), _cell(o, results.labels))
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
