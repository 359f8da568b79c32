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


def _by_graph(quad: ox.Quad) -> tuple[str, str]:
    return str(quad.graph_name), str(quad)


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
    # Graph by graph: a TriG reader then meets each graph once, not once per subject.
    data = sorted(kg.quads(), key=_by_graph) if fmt.quads else union_triples(kg)
    prefixes = prefixes_for(_named(data)) if fmt.prefixes else None
    out = ox.serialize(data, format=fmt.rdf, prefixes=prefixes)
    assert out is not None  # no output argument: bytes come back
    return readable(out) if fmt.name in READABLE else out


def serialize_triples(triples: list[ox.Triple], format: str = "turtle") -> bytes:
    """CONSTRUCT or DESCRIBE results in *format* (quad formats put them in the default graph)."""
    fmt = format_for(format)
    data: list[ox.Triple] | list[ox.Quad] = sorted(triples, key=str)
    if fmt.quads:
        data = [ox.Quad(t.subject, t.predicate, t.object) for t in data]
    prefixes = prefixes_for(_named(data)) if fmt.prefixes else None
    out = ox.serialize(data, format=fmt.rdf, prefixes=prefixes)
    assert out is not None
    return readable(out) if fmt.name in READABLE else out


# Turtle and TriG are read by people too: oxigraph writes the prefixes longest first and
# the statements back to back; these are laid out again, the triples untouched.
READABLE = {"turtle", "trig"}
# The prefixes people look for first, in this order; then octograph's own; then the rest.
W3C_FIRST = ("rdf", "rdfs", "owl", "xsd")


def _prefix_rank(line: bytes) -> tuple[int, int, bytes]:
    name, _, rest = line.removeprefix(b"@prefix ").partition(b":")
    iri = rest.strip()
    text = name.decode("utf-8")
    if text in W3C_FIRST:
        return (0, W3C_FIRST.index(text), name)
    if iri.startswith(b"<http://www.w3.org/"):
        return (1, 0, name)
    if text in ("octo", "kg"):
        return (2, ("octo", "kg").index(text), name)
    return (3 if text in PREFIXES else 4, 0, name)


def readable(turtle: bytes) -> bytes:
    r"""Turtle or TriG from oxigraph laid out for people: the prefixes in a sensible order
    (rdf, rdfs, owl, xsd, the other W3C vocabularies, octo and kg, then the rest) and a
    blank line after the prefixes, between subjects and between graphs.

    Only line breaks move: oxigraph writes every literal on one line (newlines escaped),
    so a line that ends a statement cannot be inside a string.

    >>> text = b"@prefix octo: <o#> .\n@prefix rdf: <r#> .\na:b a:c a:d .\na:e a:f a:g .\n"
    >>> readable(text).decode().split("\n")
    ['@prefix rdf: <r#> .', '@prefix octo: <o#> .', '', 'a:b a:c a:d .', '', 'a:e a:f a:g .', '']
    """
    lines = turtle.split(b"\n")
    prefixes = sorted((x for x in lines if x.startswith(b"@prefix ")), key=_prefix_rank)
    body = [x for x in lines if x and not x.startswith(b"@prefix ")]
    out = [*prefixes, b""] if prefixes else []
    depth = 0  # 1 inside a TriG graph's braces: its subjects are indented one tab
    for i, line in enumerate(body):
        out.append(line)
        if line.endswith(b"{"):
            depth = 1
        elif line == b"}":
            depth = 0
        ends = line.endswith(b" .") or line == b"}"
        following = body[i + 1] if i + 1 < len(body) else b""
        indent = len(following) - len(following.lstrip(b"\t"))
        if ends and following and following != b"}" and indent <= depth:
            out.append(b"")
    return b"\n".join(out) + b"\n"
