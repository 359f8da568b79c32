"""The knowledge graph written out: every RDF format of the registry, by pyoxigraph's writers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox

from octograph import formats
from octograph.namespaces import ID, PREFIXES

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["format_for", "prefixes_for", "serialize", "serialize_triples", "union_triples"]


def format_for(name: str) -> formats.Format:
    """The RDF format called *name* (or one of its aliases), from the one registry.

    >>> format_for("ttl").media_type
    'text/turtle'
    """
    return formats.find(name, "rdf")


def prefixes_for(terms: Iterable[ox.NamedNode]) -> dict[str, str]:
    """The usual prefixes plus one per folder of octograph IRIs (``octopus-2019-passage:12``)."""
    out = dict(PREFIXES)
    for term in terms:
        iri = term.value
        if iri.startswith(ID):
            ns = iri[: iri.rfind("/") + 1]
            name = ns[len(ID) :].strip("/").replace("/", "-")
            if name and name[0].isalpha():
                out.setdefault(name, ns)
    return out


def _named(data: Iterable[ox.Triple | ox.Quad]) -> Iterator[ox.NamedNode]:
    for t in data:
        for term in (t.subject, t.object, getattr(t, "graph_name", None)):
            if isinstance(term, ox.NamedNode):
                yield term


def union_triples(kg: KnowledgeGraph) -> list[ox.Triple]:
    """The union of all graphs as a sorted list of distinct triples."""
    return sorted(kg.triples(), key=str)


def serialize(kg: KnowledgeGraph, format: str = "turtle") -> bytes:
    """The knowledge graph in *format*: triple formats get the union, quad formats every graph.

    >>> from octograph import load
    >>> serialize(load(), "turtle").startswith(b"@prefix")
    True
    """
    fmt = format_for(format)
    data: list[ox.Triple] | list[ox.Quad]
    data = sorted(kg.quads(), key=str) if fmt.quads else union_triples(kg)
    prefixes = prefixes_for(_named(data)) if fmt.prefixes else None
    out = ox.serialize(data, format=fmt.rdf, prefixes=prefixes)
    assert out is not None  # no output argument: bytes come back
    return out


def serialize_triples(triples: list[ox.Triple], format: str = "turtle") -> bytes:
    """CONSTRUCT or DESCRIBE results in *format* (quad formats put them in the default graph)."""
    fmt = format_for(format)
    data: list[ox.Triple] | list[ox.Quad] = sorted(triples, key=str)
    if fmt.quads:
        data = [ox.Quad(t.subject, t.predicate, t.object) for t in data]
    prefixes = prefixes_for(_named(data)) if fmt.prefixes else None
    out = ox.serialize(data, format=fmt.rdf, prefixes=prefixes)
    assert out is not None
    return out
