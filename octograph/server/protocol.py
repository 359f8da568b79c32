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

from octograph import formats
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


def _media_types(names: tuple[str, ...], kind: str) -> dict[str, str]:
    """Media type -> format name, from the registry: each format's own type first, in the
    order of *names* (the first is what a client that takes anything gets), then the others
    that clients also ask for."""
    chosen = [formats.find(name, kind) for name in names]
    found: dict[str, str] = {}
    for f in chosen:
        found.setdefault(f.media_type, f.name)
    for f in chosen:
        for media in f.media_types[1:]:
            found.setdefault(media, f.name)
    return found


# Media type -> the name of a results format, SPARQL JSON first.
RESULT_TYPES = _media_types(("json", "xml", "csv", "tsv"), "results")
# Media type -> the name of an RDF format, Turtle first.
GRAPH_TYPES = _media_types(tuple(formats.names("rdf")), "rdf")
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
