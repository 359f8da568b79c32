"""Files -> the knowledge graph: the ontology and every report's data in one quad store."""

from __future__ import annotations

import os

import pyoxigraph as ox

from octograph.errors import InputError, OctographError
from octograph.graph.files import build_store, find_files, materialise_union, package_dir

# Not typing.TYPE_CHECKING: importing typing costs ~5 ms of the CLI's start (mypy treats any
# name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path
    from typing import Any

    import networkx as nx
    import rdflib

    from octograph.engines.store import RemoteOptions, SparqlStore
    from octograph.graph.validate import ValidationReport
    from octograph.sparql.query import Results

__all__ = [
    "ENGINES",
    "KnowledgeGraph",
    "RemoteKnowledgeGraph",
    "bundled_data",
    "bundled_ontology",
    "data_files",
    "load",
]

ENGINES = ("oxigraph", "rdflib")


# pathlib is imported where a Path is made, not at the top: it costs ~7 ms, which the command
# line spends before it can start parsing the data in a thread (see preload.py).


def bundled_ontology() -> Path:
    """The ontology file that ships with octograph."""
    from pathlib import Path

    return Path(package_dir("ontology"), "octograph.ttl")


def bundled_shapes() -> Path:
    """The SHACL shapes that ship with octograph."""
    from pathlib import Path

    return Path(package_dir("ontology"), "shapes.ttl")


def bundled_data() -> Path:
    """The folder of bundled reports (one sub-folder per report, plus ``common/``)."""
    from pathlib import Path

    return Path(package_dir("data"))


def data_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every RDF file under *paths* (files as given, folders searched in sorted order).

    Raises:
        InputError: a path does not exist, or a file has a suffix octograph cannot read.
    """
    from pathlib import Path

    return [Path(p) for p in find_files([os.fspath(p) for p in paths])]


class KnowledgeGraph:
    """The loaded graph: an embedded Oxigraph store holding one named graph per passage.

    The union of all graphs is the default graph for queries. ``engine`` says which SPARQL
    engine answers queries: ``"oxigraph"`` (fast) or ``"rdflib"`` (the reference).
    """

    # A remote store's client, where queries go (None: the embedded store answers them).
    remote: SparqlStore | None = None

    # A plain class, not a dataclass: importing dataclasses costs ~20 ms of the CLI's start.
    def __init__(
        self,
        store: ox.Store,
        files: list[Path] | None = None,
        engine: str = "oxigraph",
        *,
        own_default: list[ox.Quad] | None = None,
        location: str = "oxigraph",
    ) -> None:
        self.store = store
        self.files = files or []
        self.engine = engine
        self.location = location  # the store spec, credentials redacted: for messages
        self._dataset: Any = None
        if own_default is None:
            # The store's default graph is made the union (a set) of every graph: Oxigraph's
            # own union option repeats a triple once per graph that holds it, where SPARQL's
            # default graph is a set. What was in the default graph before (triples from
            # Turtle files) is kept apart so that exports give back exactly what was loaded.
            own_default = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            materialise_union(store)
        # Given: a persistent store whose union was materialised when it was built.
        self._own_default = own_default

    def quads(self) -> list[ox.Quad]:
        """What was loaded: every named graph's quads and the triples loaded as default graph."""
        named = [q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph)]
        return named + self._own_default

    def triples(self) -> set[ox.Triple]:
        """The default graph: the union, as a set, of all graphs."""
        return {q.triple for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())}

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {len(self)} quads, store={self.location}, engine={self.engine}>"

    def __len__(self) -> int:
        """The number of quads (a triple stated in two passages counts twice)."""
        # Counted by the store: a list of a million quads would take seconds to build.
        solutions = self.store.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(solutions, ox.QuerySolutions)
        count = next(iter(solutions))["n"]
        return int(count.value) + len(self._own_default) if count is not None else 0

    @property
    def dataset(self) -> rdflib.Dataset:
        """The same quads as an rdflib ``Dataset`` whose default graph is the union."""
        if self._dataset is None:
            import rdflib

            ds = rdflib.Dataset(default_union=True)
            nquads = ox.serialize(self.quads(), format=ox.RdfFormat.N_QUADS)
            ds.parse(data=nquads, format="nquads")
            self._dataset = ds
        dataset: rdflib.Dataset = self._dataset
        return dataset

    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, text: str, **params: object) -> Results:
        """Run SPARQL *text*; keyword arguments bind variables safely (no string splicing).

        >>> kg = load()
        >>> kg.query("ASK { kg:budapest-convention a octo:Treaty }").boolean
        True
        """
        from octograph.sparql.query import run

        return run(self, text, params)

    def ask(self, name: str, **params: object) -> Results:
        """Run the named question *name* (see ``octograph query --list``)."""
        from octograph.sparql.query import run_named

        return run_named(self, name, params)

    def validate(self) -> ValidationReport:
        """Check SHACL shapes, quotes, declared terms, labels and provenance."""
        from octograph.graph.validate import validate

        return validate(self)

    def export(self, format: str = "turtle") -> bytes:
        """Serialise as *format* (turtle, trig, nt, nquads, jsonld, xml)."""
        from octograph.graph.export import serialize

        return serialize(self, format)

    def stats(self) -> dict[str, Any]:
        """Counts: quads, distinct triples, graphs, passages, messages and entities per class."""
        from octograph.sparql.query import stats

        return stats(self)

    def to_networkx(self, **options: Any) -> nx.MultiDiGraph:
        """The report's entities and relations as a networkx multigraph (see network.py)."""
        from octograph.view.network import to_networkx

        return to_networkx(self, **options)


class RemoteKnowledgeGraph(KnowledgeGraph):
    """A knowledge graph on a SPARQL server: queries go to the server.

    ``store`` is a local snapshot of the pushed graphs, fetched on first use, so that
    validation, export, statistics and the graph view work as on the embedded store.
    """

    def __init__(self, remote: SparqlStore) -> None:
        self.remote = remote
        self._client = remote  # the same, typed as never None
        self.files = []
        self.engine = "sparql"
        self.location = remote.location
        self._dataset = None
        self._snapshot: ox.Store | None = None
        self._own_default = []

    @property
    def store(self) -> ox.Store:
        if self._snapshot is None:
            self._snapshot, self._own_default = self._client.snapshot()
        return self._snapshot

    @store.setter
    def store(self, value: ox.Store) -> None:
        self._snapshot = value

    def quads(self) -> list[ox.Quad]:
        store = self.store  # fetches the snapshot, and with it the default-graph part
        return [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)] + list(
            self._own_default
        )

    def __len__(self) -> int:
        from octograph.engines.store import UNION_GRAPH

        counts = self._client.manifest()
        return sum(counts.values()) - counts.get(UNION_GRAPH, 0)

    def graph_names(self) -> list[str]:
        from octograph.engines.store import DEFAULT_PART_GRAPH, UNION_GRAPH

        hidden = {UNION_GRAPH, DEFAULT_PART_GRAPH}
        return sorted(g for g in self._client.manifest() if g not in hidden)


def load(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    engine: str = "oxigraph",
    ontology: bool = True,
    store: str = "oxigraph",
    remote: RemoteOptions | None = None,
) -> KnowledgeGraph:
    """Load the bundled report, or the RDF files and folders in *paths*, with the ontology.

    Args:
        paths: files or folders of TriG, Turtle, N-Triples, N-Quads, RDF/XML or JSON-LD;
            ``None`` loads the bundled reports.
        engine: ``"oxigraph"`` or ``"rdflib"``, the engine that answers queries.
        ontology: also load the bundled ontology into its own named graph.
        store: where the graph lives (see octograph.store): ``"oxigraph"`` (in memory, the
            default), ``"oxigraph:PATH"`` (on disk, rebuilt only when the files change),
            ``"memory"`` (rdflib's engine) or ``"sparql:URL"`` (a server; see ``push``).
        remote: credentials and endpoints for a ``sparql:URL`` store.

    Raises:
        InputError: a file is missing or does not parse (with file, line and column).
        StoreError: the store cannot be opened, or the server cannot be reached.

    >>> kg = load()
    >>> len(kg.graph_names()) > 40
    True
    """
    if engine not in ENGINES:
        raise OctographError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if store != "oxigraph":
        from octograph.engines.store import open_persistent, open_remote, parse_spec

        spec = parse_spec(store)
        if spec.kind == "memory":
            engine = "rdflib"
        elif spec.kind == "sparql":
            if paths:
                raise InputError(
                    "--data is for octograph push; a sparql: store answers from what was pushed",
                    path=str(spec),
                )
            if engine != "oxigraph":
                raise OctographError(f"{spec}: queries run on the server (no --engine rdflib)")
            return open_remote(spec, remote)
        elif spec.path is not None:
            files = data_files(paths or [bundled_data()])
            ox_store, own, _ = open_persistent(
                spec.path, files, bundled_ontology() if ontology else None
            )
            return KnowledgeGraph(
                ox_store, files=files, engine=engine, own_default=own, location=str(spec)
            )
    from octograph.graph.preload import take

    files = data_files(paths or [bundled_data()])
    names = [str(f) for f in files]
    ontology_file = str(bundled_ontology()) if ontology else None
    # The command line may have started parsing these very files in a thread (preload.py).
    oxs, own = take(names, ontology_file) or build_store(names, ontology_file)
    return KnowledgeGraph(oxs, files=files, engine=engine, own_default=own, location=store)
