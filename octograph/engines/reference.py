"""rdflib's own SPARQL engine over the same quads: the reference for the fast engine."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
import rdflib
from pyparsing import ParseException
from rdflib.plugins.sparql import prepareQuery

from octograph.errors import QueryError
from octograph.formats import Format
from octograph.namespaces import PREFIXES
from octograph.sparql.results import Results, Term

__all__ = ["RdflibEngine", "from_rdflib", "to_rdflib"]


def to_rdflib(term: Term) -> rdflib.term.Identifier:
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def from_rdflib(term: Any) -> Term | None:
    """An rdflib term as the equal pyoxigraph term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype or rdflib.XSD.string
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    raise TypeError(f"unexpected rdflib term {term!r}")


class RdflibEngine:
    """rdflib's SPARQL engine over an rdflib Dataset of *quads*, its default graph the union.

    Slow, and the reference: every named question must answer the same here as on Oxigraph.
    """

    name = "rdflib"
    local = True

    def __init__(self, quads: Sequence[ox.Quad], location: str = "memory") -> None:
        self._quads = list(quads)
        named = (q.graph_name for q in self._quads)
        self._graphs = {g.value for g in named if isinstance(g, ox.NamedNode)}
        self.location = location
        self.dataset = rdflib.Dataset(default_union=True)
        nquads = ox.serialize(self._quads, format=ox.RdfFormat.N_QUADS)
        self.dataset.parse(data=nquads, format="nquads")

    def __repr__(self) -> str:
        return f"<RdflibEngine {self.location}>"

    def query(self, text: str, bindings: Mapping[str, Term]) -> Results:
        return _run(self.dataset, text, bindings)

    def write(
        self, text: str, bindings: Mapping[str, Term], fmt: Format
    ) -> tuple[bytes, bool | None] | None:
        """None: octograph's writers write what rdflib answers, in the forms Oxigraph gives
        its terms (rdflib's own writers differ in the forms of numbers and booleans)."""
        return None

    def select(self, text: str) -> Iterator[dict[str, Term | None]]:
        result = self.dataset.query(text, initNs=PREFIXES)
        variables = [str(v) for v in result.vars or []]
        for row in result:
            yield {v: from_rdflib(row[v]) for v in variables}  # type: ignore[call-overload,index]

    def graph_names(self) -> list[str]:
        return sorted(self._graphs)

    def has_graph(self, iri: str) -> bool:
        return iri in self._graphs

    def count(self) -> int:
        return len(self._quads)

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._quads)

    def close(self) -> None:
        """Nothing to let go: the dataset is freed with the engine."""


def _run(dataset: rdflib.Dataset, text: str, bindings: Mapping[str, Term]) -> Results:
    """Run *text* with rdflib's engine on *dataset* (default graph = union of all graphs)."""
    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except ParseException as e:
        raise QueryError(str(e.msg), path="query", line=e.lineno, column=e.col) from e
    except Exception as e:  # rdflib raises bare Exceptions for unknown prefixes
        raise QueryError(str(e), path="query") from e
    # rdflib fetches a FROM or FROM NAMED graph over the network, or from a file, when the
    # dataset does not hold it: refuse those graphs before rdflib can try.
    for clause in getattr(prepared.algebra, "datasetClause", None) or []:
        iri = clause.default or clause.named
        if iri is None or len(dataset.graph(iri)) == 0:
            raise QueryError(
                f"FROM <{iri}> names a graph that is not loaded; octograph never fetches graphs"
            )
    result = dataset.query(prepared, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
    if result.type == "ASK":
        return Results(kind="ask", boolean=bool(result.askAnswer))
    if result.type in {"CONSTRUCT", "DESCRIBE"}:
        triples = []
        for s, p, o in result:  # type: ignore[misc]
            triples.append(ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)))  # type: ignore[arg-type]
        return Results(kind="graph", triples=triples)
    variables = [str(v) for v in result.vars or []]
    rows = [
        tuple(from_rdflib(row[v]) for v in variables)  # type: ignore[call-overload,index]
        for row in result
    ]
    return Results(kind="select", variables=variables, rows=rows)
