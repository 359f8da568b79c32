"""The one seam between the knowledge graph and whatever answers its queries.

Three engines implement it: embedded Oxigraph (in memory, or on disk), rdflib's own SPARQL
engine (the reference), and a remote SPARQL 1.1 server. Callers above this package hold an
``Engine`` and never the store behind it, so that a choice of engine or store holds for
every command. Engines know nothing of the ``KnowledgeGraph`` that holds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from typing import Any

    import pyoxigraph as ox

    from octograph.formats import Format
    from octograph.sparql.results import Results, Term

__all__ = ["Engine", "Solution"]


class Solution(Protocol):
    """One row of an internal SELECT: its values by variable name (None where unbound)."""

    # Any, as pyoxigraph's own QuerySolution has it: octograph's queries know their shapes.
    def __getitem__(self, name: str, /) -> Any: ...


class Engine(Protocol):
    """What every caller of an engine needs, implemented once per engine.

    Every query sees octograph's dataset: the default graph is the union (a set) of all
    graphs, each passage's graph is a named graph, and the prefixes of
    ``octograph.namespaces.PREFIXES`` need no declaration.
    """

    #: "oxigraph", "rdflib" or "sparql": which engine answers.
    name: str
    #: Where the graph lives, for messages: the ``--store`` spec with any password taken out.
    location: str
    #: Whether the quads are on this machine; if not, ``quads()`` is a full download.
    local: bool

    def query(self, text: str, bindings: Mapping[str, Term]) -> Results:
        """Answer SPARQL *text* with the variables of *bindings* bound to their terms.

        Raises:
            QueryError: the text does not parse (with line and column), or cannot run.
        """
        ...

    def write(
        self, text: str, bindings: Mapping[str, Term], fmt: Format
    ) -> tuple[bytes, bool | None] | None:
        """The answer to *text* in the results format *fmt*, by the engine's own writer, with
        the ASK answer if it is one; None where the engine has none (octograph's writers then
        write what ``query`` answers).

        Raises:
            QueryError: as ``query``.
        """
        ...

    def select(self, text: str) -> Iterable[Solution]:
        """The rows of octograph's own SELECT *text* (trusted, parsed once, no parameters)."""
        ...

    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs that were loaded, sorted."""
        ...

    def has_graph(self, iri: str) -> bool:
        """Whether a named graph *iri* was loaded."""
        ...

    def count(self) -> int:
        """The number of quads loaded (a triple stated in two passages counts twice)."""
        ...

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad that was loaded: the named graphs', then those loaded as default graph.

        Raises:
            StoreError: the engine will not hand every quad over (a remote server: that is
                a full download, which only the commands made for it ask for).
        """
        ...

    def close(self) -> None:
        """Let go of what the engine holds (files, connections)."""
        ...
