"""The ``--store`` spec: which store a command opens, in one word or a path or URL.

Four stores, one spec each (``octograph --store SPEC``):

- ``oxigraph``: embedded Oxigraph in memory, loaded from the files at each start (the default);
- ``oxigraph:PATH``: embedded Oxigraph on disk, built once and reopened read-only until the
  data files change (a fingerprint of the files sits in the folder);
- ``memory``: rdflib's own store and SPARQL engine, the reference;
- ``sparql:URL``: any SPARQL 1.1 server, through the Query, Update and Graph Store protocols.
"""

from __future__ import annotations

import re
from pathlib import Path

from octograph.errors import OctographError

__all__ = ["DEFAULT_STORE", "StoreSpec", "parse_spec", "redact"]

DEFAULT_STORE = "oxigraph"


class StoreSpec:
    """A parsed ``--store`` value: its kind, and the folder or URL it names."""

    # A plain class, not a NamedTuple: building one at import costs ~10 ms of the CLI's start.
    __slots__ = ("kind", "path", "url")

    def __init__(self, kind: str, path: Path | None = None, url: str | None = None) -> None:
        self.kind = kind  # "oxigraph", "memory" or "sparql"
        self.path = path  # oxigraph:PATH
        self.url = url  # sparql:URL, as given (it may carry user:password@)

    def __repr__(self) -> str:
        return f"StoreSpec(kind={self.kind!r}, path={self.path!r}, url={redact(self.url or '')!r})"

    def __str__(self) -> str:
        if self.kind == "sparql":
            return f"sparql:{redact(self.url or '')}"
        return f"oxigraph:{self.path}" if self.path else self.kind


def parse_spec(text: str) -> StoreSpec:
    """Parse a ``--store`` value.

    >>> parse_spec("oxigraph").kind, parse_spec("memory").kind
    ('oxigraph', 'memory')
    >>> parse_spec("oxigraph:/tmp/kg").path
    PosixPath('/tmp/kg')
    >>> str(parse_spec("sparql:http://dba:secret@127.0.0.1:8890/sparql"))
    'sparql:http://127.0.0.1:8890/sparql'
    """
    kind, sep, rest = text.strip().partition(":")
    if kind == "oxigraph" and not sep:
        return StoreSpec("oxigraph")
    if kind == "oxigraph" and rest:
        return StoreSpec("oxigraph", path=Path(rest).expanduser())
    if kind == "memory" and not sep:
        return StoreSpec("memory")
    if kind == "sparql" and re.match(r"https?://[^/\s]+", rest):
        return StoreSpec("sparql", url=rest)
    raise OctographError(
        f"unknown store {redact(text)!r} (choose oxigraph, oxigraph:PATH, memory or sparql:URL)"
    )


def redact(text: str) -> str:
    """*text* with the ``user:password@`` of any URL in it taken out.

    >>> redact("sparql:https://me:pw@example.org/sparql")
    'sparql:https://example.org/sparql'
    """
    return re.sub(r"([a-zA-Z][\w+.-]*://)[^/@\s]*@", r"\1", text)
