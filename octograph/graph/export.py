"""Format registry: a format name or file suffix -> a writer of the knowledge graph."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from octograph.errors import NotFoundError, OutputError
from octograph.namespaces import ID, PREFIXES

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["FORMATS", "RdfFormat", "format_for", "serialize", "write_atomic"]


@dataclass(frozen=True)
class RdfFormat:
    """An RDF export format: its name, suffix, media type and whether it keeps named graphs."""

    name: str
    suffix: str
    media_type: str
    oxigraph: ox.RdfFormat
    quads: bool
    prefixes: bool = True


FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", ".ttl", "text/turtle", ox.RdfFormat.TURTLE, False),
        RdfFormat("trig", ".trig", "application/trig", ox.RdfFormat.TRIG, True),
        RdfFormat("nt", ".nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, False, False),
        RdfFormat("nquads", ".nq", "application/n-quads", ox.RdfFormat.N_QUADS, True, False),
        RdfFormat("jsonld", ".jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, True),
        RdfFormat("xml", ".rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML, False),
    )
}
ALIASES = {
    "ttl": "turtle",
    "ntriples": "nt",
    "n-triples": "nt",
    "nq": "nquads",
    "n-quads": "nquads",
    "json-ld": "jsonld",
    "rdfxml": "xml",
    "rdf": "xml",
}


def format_for(name: str) -> RdfFormat:
    """The RDF format called *name* (or one of its aliases).

    >>> format_for("ttl").media_type
    'text/turtle'
    """
    key = ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise NotFoundError(f"unknown format {name!r} (choose from {', '.join(FORMATS)})")
    return FORMATS[key]


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
    out = ox.serialize(data, format=fmt.oxigraph, prefixes=prefixes)
    assert out is not None  # no output argument: bytes come back
    return out


def serialize_triples(triples: list[ox.Triple], format: str = "turtle") -> bytes:
    """CONSTRUCT or DESCRIBE results in *format* (quad formats put them in the default graph)."""
    fmt = format_for(format)
    data: list[ox.Triple] | list[ox.Quad] = sorted(triples, key=str)
    if fmt.quads:
        data = [ox.Quad(t.subject, t.predicate, t.object) for t in data]
    prefixes = prefixes_for(_named(data)) if fmt.prefixes else None
    out = ox.serialize(data, format=fmt.oxigraph, prefixes=prefixes)
    assert out is not None
    return out


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write *data* to *path* through a temporary file and a rename: never a half-written file.

    Raises:
        OutputError: the folder is missing or not writable (one line, with the path).
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise OutputError("folder does not exist", path=str(folder))
    try:
        # mkstemp gives 0600; keep the mode of the file being replaced, or the usual 0644
        # (the process umask cannot be read without briefly changing it for every thread).
        mode = target.stat().st_mode & 0o777 if target.is_file() else 0o644
        # The temporary file sits in the same folder so that os.replace is an atomic rename.
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise OutputError(e.strerror or str(e), path=str(target)) from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename makes it the file
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise OutputError(e.strerror or str(e), path=str(target)) from e
        raise
