"""What the server's workers answer: SPARQL run over the served graph, serialised for the protocol.

Every function here runs inside a worker process (see pool.py) and returns plain, picklable
values. Nothing here knows HTTP; errors are OctographError subclasses that the server turns
into statuses (see responses.py).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from itertools import islice
from typing import IO, NamedTuple, cast

import pyoxigraph as ox

from octograph.engines.embedded import OxigraphEngine
from octograph.errors import QueryError, StoreError
from octograph.graph.export import serialize_triples
from octograph.graph.load import KnowledgeGraph
from octograph.search import Hit, PassageIndex
from octograph.server.protocol import QueryShape, inspect_query
from octograph.sparql.questions import NamedQuestion
from octograph.sparql.results import Results
from octograph.sparql.syntax import query_error
from octograph.sparql.writers import render

__all__ = [
    "Answer",
    "Dataset",
    "IndexImage",
    "ServerData",
    "answer",
    "embedded",
    "execute",
    "inspect",
    "search",
]


class IndexImage:
    """The passage index as bytes, read before the fork; each process searches its own copy.

    An SQLite connection must not cross a fork, and the workers may open no file (see
    pool.py): each process that searches makes an in-memory connection from the bytes
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


def execute(data: ServerData, text: str, dataset: Dataset, base_iri: str | None) -> object:
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
    """The form and keywords of a long query text (see protocol.inspect_query)."""
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
    raw = execute(data, text, dataset, base_iri)
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
    raw = execute(data, text, dataset, base_iri)
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
