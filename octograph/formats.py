"""The one registry of formats: each format once, with its aliases, media types and suffix.

Three kinds: ``graph`` (RDF triples), ``dataset`` (RDF with named graphs), ``results``
(SPARQL SELECT and ASK answers) and ``tools`` (the graph of entities for graph tools). The
command line's ``--format`` choices, the Python API, the server's content negotiation and its
download links all read this table; a new format is one entry here and a writer for its kind.
"""

from __future__ import annotations

import pyoxigraph as ox

from octograph.errors import NotFoundError

__all__ = [
    "DATA_SUFFIXES",
    "FORMATS",
    "Format",
    "find",
    "names",
]


class Format:
    """A format: its name, what it writes, its other names, media types and file suffix.

    ``media_types[0]`` is what octograph sends; the others are what clients may ask for.
    ``oxigraph`` is pyoxigraph's own format where pyoxigraph writes it.
    """

    __slots__ = ("aliases", "kind", "media_types", "name", "oxigraph", "prefixes", "suffix")

    # A plain class, not a dataclass: the query path imports this module, and dataclasses
    # costs ~20 ms of the command's start.
    def __init__(
        self,
        name: str,
        kind: str,
        suffix: str,
        media_types: tuple[str, ...],
        aliases: tuple[str, ...] = (),
        oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None,
        *,
        prefixes: bool = True,
    ) -> None:
        self.name, self.kind, self.suffix = name, kind, suffix
        self.media_types, self.aliases, self.oxigraph = media_types, aliases, oxigraph
        self.prefixes = prefixes  # whether the syntax has prefixes (Turtle, not N-Triples)

    @property
    def media_type(self) -> str:
        """The media type octograph sends this format as."""
        return self.media_types[0]

    @property
    def quads(self) -> bool:
        """Whether the format keeps named graphs (TriG, N-Quads, JSON-LD)."""
        return self.kind == "dataset"

    @property
    def rdf(self) -> ox.RdfFormat:
        """pyoxigraph's RDF format for this one (an RDF format only)."""
        assert isinstance(self.oxigraph, ox.RdfFormat), f"{self.name} is not an RDF format"
        return self.oxigraph

    def __repr__(self) -> str:
        return f"<Format {self.name} ({self.kind})>"


_RDF, _RESULTS = ox.RdfFormat, ox.QueryResultsFormat

FORMATS: tuple[Format, ...] = (
    # RDF: what `export`, CONSTRUCT and DESCRIBE write.
    Format("turtle", "graph", ".ttl", ("text/turtle", "application/x-turtle", "text/n3",
           "text/rdf+n3"), ("ttl", "n3"), _RDF.TURTLE),
    Format("trig", "dataset", ".trig", ("application/trig",), (), _RDF.TRIG),
    Format("nt", "graph", ".nt", ("application/n-triples", "text/plain"),
           ("ntriples", "n-triples"), _RDF.N_TRIPLES, prefixes=False),
    Format("nquads", "dataset", ".nq", ("application/n-quads",), ("nq", "n-quads"),
           _RDF.N_QUADS, prefixes=False),
    Format("jsonld", "dataset", ".jsonld", ("application/ld+json", "application/json"),
           ("json-ld",), _RDF.JSON_LD),
    Format("xml", "graph", ".rdf", ("application/rdf+xml", "application/xml"),
           ("rdf", "rdfxml", "rdf/xml", "owl"), _RDF.RDF_XML),
    # SELECT and ASK answers.
    Format("table", "results", ".txt", ("text/plain",), ("text",)),
    Format("csv", "results", ".csv", ("text/csv",), (), _RESULTS.CSV),
    Format("tsv", "results", ".tsv", ("text/tab-separated-values",), (), _RESULTS.TSV),
    Format("json", "results", ".srj", ("application/sparql-results+json", "application/json"),
           ("srj",), _RESULTS.JSON),
    Format("xml", "results", ".srx", ("application/sparql-results+xml", "application/xml",
           "text/xml"), ("srx",), _RESULTS.XML),
    # The graph of entities and relations, for graph tools (networkx writes them).
    Format("graphml", "tools", ".graphml", ("application/graphml+xml",)),
    Format("gexf", "tools", ".gexf", ("application/gexf+xml",)),
    Format("csv", "tools", ".csv", ("text/csv",), ("edges",)),
)  # fmt: skip

# Suffixes of the data files octograph reads, and their RDF syntax; anything else in a data
# folder (report.txt, SOURCE.md) is not RDF and is left alone.
DATA_SUFFIXES: dict[str, ox.RdfFormat] = {
    ".ttl": _RDF.TURTLE,
    ".trig": _RDF.TRIG,
    ".nt": _RDF.N_TRIPLES,
    ".nq": _RDF.N_QUADS,
    ".rdf": _RDF.RDF_XML,
    ".owl": _RDF.RDF_XML,
    ".jsonld": _RDF.JSON_LD,
}

_KINDS = {"rdf": ("graph", "dataset"), "results": ("results",), "tools": ("tools",)}


def _of(kinds: tuple[str, ...]) -> list[Format]:
    return [f for kind in kinds for f in FORMATS if f.kind in _KINDS[kind]]


def names(*kinds: str) -> list[str]:
    """The names of the formats of *kinds* ("rdf", "results", "tools"), in registry order.

    >>> names("results")
    ['table', 'csv', 'tsv', 'json', 'xml']
    """
    return list(dict.fromkeys(f.name for f in _of(kinds)))


def find(name: str, *kinds: str) -> Format:
    """The format called *name*, or one of its aliases, of the first of *kinds* that has one.

    >>> find("ttl", "rdf").media_type
    'text/turtle'
    >>> find("srj", "results").name
    'json'
    >>> find("csv", "tools", "rdf").kind, find("xml", "tools", "rdf").kind
    ('tools', 'graph')

    Raises:
        NotFoundError: no such format of those kinds (the message lists the names and
            suggests the closest).
    """
    key = name.strip().lower()
    for f in _of(kinds):
        if key == f.name or key in f.aliases:
            return f
    choices = names(*kinds)
    import difflib

    every = choices + [a for f in _of(kinds) for a in f.aliases]
    close = difflib.get_close_matches(key, every, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else ""
    raise NotFoundError(f"unknown format {name!r} (choose from {', '.join(choices)}){hint}")
