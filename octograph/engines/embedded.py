"""Embedded Oxigraph: the default engine, over a store in memory or in a folder on disk."""

from __future__ import annotations

import pyoxigraph as ox

from octograph.errors import QueryError
from octograph.namespaces import PREFIXES
from octograph.sparql.results import Results

# Not typing.TYPE_CHECKING: importing typing costs ~5 ms of the CLI's start (mypy treats any
# name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from typing import Any

    from octograph.formats import Format
    from octograph.sparql.results import Term

__all__ = ["OxigraphEngine", "collect"]

Native = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class OxigraphEngine:
    """Oxigraph answers, from *store*, whose default graph is the union of its named graphs.

    *own_default* are the triples the files put in the default graph themselves (from Turtle
    files): the store's default graph holds them among the union, and they are kept apart so
    that ``quads()`` gives back exactly what was loaded. *folder* is where an on-disk store
    lives, and *fingerprint* the digest of the data it holds (files beside it, such as the
    search index, carry it).
    """

    name = "oxigraph"
    local = True

    # A plain class, not a dataclass: importing dataclasses costs ~20 ms of the CLI's start.
    def __init__(
        self,
        store: ox.Store,
        own_default: Sequence[ox.Quad] = (),
        *,
        location: str = "oxigraph",
        folder: str | None = None,
        fingerprint: str | None = None,
    ) -> None:
        self.store = store
        self.own_default = list(own_default)
        self.location = location
        self.folder, self.fingerprint = folder, fingerprint

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad]) -> OxigraphEngine:
        """A new in-memory engine holding *quads*, its default graph made their union."""
        from octograph.engines.parsing import materialise_union

        given = list(quads)
        store = ox.Store()
        store.bulk_extend(given)
        materialise_union(store)
        own = [q for q in given if isinstance(q.graph_name, ox.DefaultGraph)]
        return cls(store, own)

    def __repr__(self) -> str:
        return f"<OxigraphEngine {self.location}>"

    @property
    def in_memory(self) -> bool:
        """Whether the store is in this process's memory (not a folder on disk)."""
        return self.folder is None

    def query(self, text: str, bindings: Mapping[str, Term]) -> Results:
        raw = self._answer(text, bindings)
        try:
            # Oxigraph evaluates lazily: errors (a failing SERVICE) surface while iterating.
            return collect(raw)
        except OSError as e:
            raise QueryError(" ".join(str(e).split())[:300]) from e

    def write(
        self, text: str, bindings: Mapping[str, Term], fmt: Format
    ) -> tuple[bytes, bool | None] | None:
        """SELECT and ASK answers by pyoxigraph's own serialisers, streamed from the engine."""
        if not isinstance(fmt.oxigraph, ox.QueryResultsFormat):
            return None
        raw = self._answer(text, bindings)
        if isinstance(raw, ox.QueryTriples):
            return None  # a graph is not a results format's to write
        try:
            data = raw.serialize(format=fmt.oxigraph)
        except OSError as e:
            raise QueryError(" ".join(str(e).split())[:300]) from e
        assert data is not None  # no output argument: bytes come back
        # Every answer ends with a newline, as the command line's other outputs do.
        data = data if data.endswith(b"\n") else data + b"\n"
        return data, bool(raw) if isinstance(raw, ox.QueryBoolean) else None

    def _answer(self, text: str, bindings: Mapping[str, Term]) -> Native:
        try:
            return self._run(text, bindings)
        except SyntaxError as e:
            from octograph.sparql.syntax import query_error

            raise query_error(e, text) from e
        except (RuntimeError, OSError) as e:
            raise QueryError(str(e)) from e

    def _run(self, text: str, bindings: Mapping[str, Term]) -> Native:
        """*text* with its parameters as one VALUES row at the top of its WHERE group.

        Oxigraph's own substitutions are fed in after the plan is made (spareval's initial
        bindings), so a question planned for every threat at once would be answered for one
        by the same plan; a VALUES row is planned with.
        """
        given: str | None = text
        if bindings:
            from octograph.sparql.binding import with_values

            given = with_values(text, bindings)
        if given is not None:
            try:
                return self.store.query(given, prefixes=PREFIXES)
            except SyntaxError:
                if given is text:
                    raise
        # No WHERE group (DESCRIBE ?x), or a query the row does not fit (a BIND to a
        # parameter): Oxigraph's own substitution, whose errors point into *text*.
        substitutions: dict[ox.Variable, Term | ox.Triple]
        substitutions = {ox.Variable(k): v for k, v in bindings.items()}
        return self.store.query(text, prefixes=PREFIXES, substitutions=substitutions)

    def native(self, text: str, **options: Any) -> Native:
        """Oxigraph's own answer to *text*, lazily evaluated, for its own serialisers.

        *options* are pyoxigraph's (``base_iri``, ``default_graph``, ``named_graphs``).
        """
        return self.store.query(text, prefixes=PREFIXES, **options)

    def select(self, text: str) -> ox.QuerySolutions:
        result = self.store.query(text, prefixes=PREFIXES)
        assert isinstance(result, ox.QuerySolutions), "a SELECT query was expected"
        return result

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, iri: str) -> bool:
        try:
            return self.store.contains_named_graph(ox.NamedNode(iri))
        except ValueError:  # not an IRI
            return False

    def count(self) -> int:
        # Counted by the store: a list of a million quads would take seconds to build.
        solutions = self.select("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
        count = next(iter(solutions))["n"]
        return int(count.value) + len(self.own_default) if count is not None else 0

    def quads(self) -> Iterator[ox.Quad]:
        for q in self.store:
            if not isinstance(q.graph_name, ox.DefaultGraph):
                yield q
        yield from self.own_default

    def graph(self, name: ox.NamedNode) -> list[ox.Quad]:
        """The quads of the named graph *name*."""
        return list(self.store.quads_for_pattern(None, None, None, name))

    def about(self, node: ox.NamedNode) -> list[ox.Quad]:
        """Every quad with *node* as subject or object, the union's among them."""
        return [
            *self.store.quads_for_pattern(node, None, None, None),
            *self.store.quads_for_pattern(None, None, node, None),
        ]

    def close(self) -> None:
        """Nothing to let go: Oxigraph closes the store when it is freed."""


def collect(raw: Native) -> Results:
    """Oxigraph's answer as Results (terms as Oxigraph gives them)."""
    if isinstance(raw, ox.QueryBoolean):
        return Results(kind="ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows = [tuple(sol) for sol in raw]  # a solution iterates its values in variable order
        return Results(kind="select", variables=variables, rows=rows)
    return Results(kind="graph", triples=list(raw))
