"""What the server reads off SPARQL text before running it, and the media types it answers in.

The server must know a query's form (SELECT, ASK, CONSTRUCT, DESCRIBE, or an update) to
negotiate the response type before any worker runs it, and must refuse SERVICE. Both come
from a lexer that follows the SPARQL 1.1 grammar's tokens for strings (with their escapes),
IRIs, comments and prefixed names (with their escapes), so that a keyword hidden in one of
them is not seen and a keyword outside them is not missed: a plain regular expression over
the text can be fooled by ``'a\\''`` or ``ex:a\\'``.
"""

from __future__ import annotations

from typing import NamedTuple

from octograph.graph.export import FORMATS
from octograph.sparql.lexer import QueryShape, inspect_query

__all__ = [
    "GRAPH_TYPES",
    "HTML_TYPES",
    "RESULT_TYPES",
    "QueryShape",
    "graph_offers",
    "inspect_query",
    "negotiate",
    "result_offers",
]

# ---------------------------------------------------------------- media types

# Media type -> the name octograph.formats.render knows. The first of each is the canonical
# type the response carries; the others are what clients also ask for.
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
# Media type -> the name octograph.export.format_for knows.
GRAPH_TYPES: dict[str, str] = {f.media_type: f.name for f in FORMATS.values()} | {
    "application/x-turtle": "turtle",
    "text/n3": "turtle",  # Turtle is N3 without its rules
    "text/rdf+n3": "turtle",
    "text/plain": "nt",  # N-Triples' media type before it had its own
    "application/xml": "xml",
    "application/json": "jsonld",
}
HTML_TYPES = ("text/html", "application/xhtml+xml")


def result_offers() -> list[str]:
    """The types a SELECT or ASK answer can take, in the server's order of preference."""
    return [*RESULT_TYPES, *HTML_TYPES]


def graph_offers() -> list[str]:
    """The types a CONSTRUCT or DESCRIBE answer can take, in the server's order of preference."""
    return [*GRAPH_TYPES, *HTML_TYPES]


class _Range(NamedTuple):
    type: str
    subtype: str
    q: float
    specificity: int


def _ranges(accept: str) -> list[_Range]:
    out = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue  # a broken range is ignored, as most servers do
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        specificity = (kind != "*") + (sub != "*") + bool(params)
        out.append(_Range(kind, sub, q, specificity))
    return out


def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers, by RFC 9110 quality values; ties go to the earlier offer.

    No Accept header (or one with no valid range) takes the first offer; None means that
    nothing offered is acceptable (406).

    >>> negotiate("text/html,application/xml;q=0.9,*/*;q=0.8", result_offers())
    'text/html'
    >>> negotiate("*/*", result_offers())
    'application/sparql-results+json'
    >>> negotiate("image/png", result_offers()) is None
    True
    """
    ranges = _ranges(accept) if accept else []
    if not ranges:
        return offers[0]
    best: tuple[float, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        kind, _, sub = offer.partition("/")
        matching = [
            r
            for r in ranges
            if (r.type == "*" or r.type == kind) and (r.subtype == "*" or r.subtype == sub)
        ]
        if not matching:
            continue
        q = max(matching, key=lambda r: r.specificity).q
        if q > 0 and (best is None or q > best[0]):
            best, chosen = (q, index), offer
    return chosen
