"""What the query page shows: an answer as a table of labelled terms, or as a file to download.

These run inside a worker process (see pool.py), like answers.py, and return plain values.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from itertools import islice
from typing import NamedTuple

import pyoxigraph as ox

from octograph.errors import NotFoundError, QueryError
from octograph.graph.export import serialize_triples
from octograph.graph.load import KnowledgeGraph
from octograph.graph.querying import add_labels, run
from octograph.server.answers import Answer, Dataset, ServerData, answer, execute
from octograph.sparql.results import Results, Term
from octograph.sparql.table import columns
from octograph.sparql.writers import render

__all__ = [
    "Cell",
    "Table",
    "as_cell",
    "download",
    "named_results",
    "table",
]


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


def as_cell(term: Term | None, labels: Mapping[str, str]) -> Cell | None:
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
    # One column per thing, as on a terminal: an IRI column shows its label, so the query's
    # ``xLabel`` twin of column ``x`` goes (its text lends the label where the graph has none).
    shown = columns(results)
    names = results.variables
    twins = {i: names.index(names[i] + "Label") for i in shown if names[i] + "Label" in names}
    rows = tuple(
        tuple(_shown_cell(row, i, twins.get(i), results.labels) for i in shown)
        for row in results.rows
    )
    variables = tuple(names[i] for i in shown)
    return Table(results.kind, variables, rows, results.boolean, results.truncated, seconds)


def _shown_cell(
    row: tuple[Term | None, ...], i: int, twin: int | None, labels: Mapping[str, str]
) -> Cell | None:
    cell = as_cell(row[i], labels)
    label = row[twin] if twin is not None else None
    if cell is not None and cell.kind == "uri" and not cell.label and label is not None:
        return cell._replace(label=label.value)
    return cell


def _cut(results: Results, max_rows: int) -> Results:
    if results.kind == "graph" and len(results.triples) > max_rows:
        results.triples = sorted(results.triples, key=str)[:max_rows]
        results.truncated = True
    elif len(results.rows) > max_rows:
        results.rows = results.rows[:max_rows]
        results.truncated = True
    return results


def named_results(data: ServerData, name: str, params: Mapping[str, str], max_rows: int) -> Results:
    # query.run_named reads the question's file, and the workers may open no file (see
    # pool.py): the questions were read before the fork, their defaults are filled here.
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
    raw = execute(data, text, dataset, base_iri)
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
        results = named_results(data, name, params, max_rows)
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
    results = named_results(data, name, params, max_rows)
    if results.kind == "graph":
        return Answer(
            graph_format,
            serialize_triples(results.triples, graph_format),
            results.truncated,
            "graph",
        )
    body = render(results, result_format).encode("utf-8")
    return Answer(result_format, body, results.truncated, results.kind)
