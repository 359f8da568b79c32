"""rdflib's own SPARQL engine over the same quads: the reference for the fast engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import rdflib
from pyparsing import ParseException
from rdflib.plugins.sparql import prepareQuery

from octograph.errors import QueryError
from octograph.namespaces import PREFIXES
from octograph.sparql.query import Results, Term

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["from_rdflib", "run_rdflib", "to_rdflib"]


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


def run_rdflib(kg: KnowledgeGraph, text: str, bindings: Mapping[str, Term]) -> Results:
    """Run *text* with rdflib's engine on ``kg.dataset`` (default graph = union of all graphs)."""
    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except ParseException as e:
        raise QueryError(str(e.msg), path="query", line=e.lineno, column=e.col) from e
    except Exception as e:  # rdflib raises bare Exceptions for unknown prefixes
        raise QueryError(str(e), path="query") from e
    # rdflib fetches a FROM or FROM NAMED graph over the network, or from a file, when the
    # dataset does not hold it: refuse those graphs before rdflib can try.
    dataset = kg.dataset
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
