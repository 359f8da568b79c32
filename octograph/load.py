"""Files -> the knowledge graph: the ontology and every report's data in one quad store."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from octograph.errors import InputError, OctographError
from octograph.prefixes import ONTOLOGY_GRAPH

if TYPE_CHECKING:
    import networkx as nx
    import rdflib

    from octograph.query import Results
    from octograph.store import RemoteOptions, SparqlStore
    from octograph.validate import ValidationReport

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

# Data file suffixes and their formats; anything else in a data folder (report.txt, SOURCE.md)
# is not RDF and is left alone.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def _package_dir(name: str) -> Path:
    # Installed from a wheel: octograph/ontology and octograph/data sit inside the package
    # (pyproject.toml maps them there). Source checkout or editable install: the folders at the
    # top of the repository, next to the package.
    here = Path(__file__).resolve().parent
    for candidate in (here / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise OctographError(f"octograph is installed without its {name}/ folder")


def bundled_ontology() -> Path:
    """The ontology file that ships with octograph."""
    return _package_dir("ontology") / "octograph.ttl"


def bundled_shapes() -> Path:
    """The SHACL shapes that ship with octograph."""
    return _package_dir("ontology") / "shapes.ttl"


def bundled_data() -> Path:
    """The folder of bundled reports (one sub-folder per report, plus ``common/``)."""
    return _package_dir("data")


def data_files(paths: Iterable[Path]) -> list[Path]:
    """Every RDF file under *paths* (files as given, folders searched in sorted order).

    Raises:
        InputError: a path does not exist, or a file has a suffix octograph cannot read.
    """
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            # os.walk, not Path.rglob: ten times faster over thousands of report folders,
            # which the persistent store lists at each start to see whether they changed.
            found = [
                os.path.join(root, name)
                for root, _, names in os.walk(path, followlinks=True)
                for name in names
                if os.path.splitext(name)[1].lower() in FORMATS
            ]
            # The order Path sorting gives: folder by folder, name by name.
            out.extend(Path(p) for p in sorted(found, key=lambda p: p.split(os.sep)))
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                known = ", ".join(sorted(FORMATS))
                raise InputError(
                    f"unknown RDF file suffix (expected one of {known})", path=str(path)
                )
            out.append(path)
        else:
            raise InputError("no such file or folder", path=str(path))
    return out


def _parse_into(store: ox.Store, path: Path, graph: str | None) -> None:
    fmt = FORMATS[path.suffix.lower()]
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(e.strerror or str(e), path=str(path)) from e
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    try:
        if fmt.supports_datasets:
            store.load(data, format=fmt, base_iri=path.resolve().as_uri())
        else:
            store.load(data, format=fmt, base_iri=path.resolve().as_uri(), to_graph=target)
    except SyntaxError as e:
        # "Parser error at line 3 between columns 1 and 2: what": the place is said once, by us.
        message = re.sub(r"^Parser error (?:at|between) [^:]*: ", "", e.msg)
        raise InputError(message, path=str(path), line=e.lineno, column=e.offset) from e
    except (ValueError, OSError) as e:
        raise InputError(str(e), path=str(path)) from e


def materialise_union(store: ox.Store) -> None:
    """Add every named graph's triples to *store*'s default graph: the union, as a set.

    A SPARQL update runs inside Oxigraph, ~10x faster than copying quads through Python;
    inserting a triple the default graph already holds changes nothing, hence a set.
    """
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


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
        from octograph.query import run

        return run(self, text, params)

    def ask(self, name: str, **params: object) -> Results:
        """Run the named question *name* (see ``octograph query --list``)."""
        from octograph.query import run_named

        return run_named(self, name, params)

    def validate(self) -> ValidationReport:
        """Check SHACL shapes, quotes, declared terms, labels and provenance."""
        from octograph.validate import validate

        return validate(self)

    def export(self, format: str = "turtle") -> bytes:
        """Serialise as *format* (turtle, trig, nt, nquads, jsonld, xml)."""
        from octograph.export import serialize

        return serialize(self, format)

    def stats(self) -> dict[str, Any]:
        """Counts: quads, distinct triples, graphs, passages, messages and entities per class."""
        from octograph.query import stats

        return stats(self)

    def to_networkx(self, **options: Any) -> nx.MultiDiGraph:
        """The report's entities and relations as a networkx multigraph (see network.py)."""
        from octograph.network import to_networkx

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
        from octograph.store import UNION_GRAPH

        counts = self._client.manifest()
        return sum(counts.values()) - counts.get(UNION_GRAPH, 0)

    def graph_names(self) -> list[str]:
        from octograph.store import DEFAULT_PART_GRAPH, UNION_GRAPH

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
        from octograph.store import open_persistent, open_remote, parse_spec

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
            files = data_files([Path(p) for p in paths] if paths else [bundled_data()])
            ox_store, own, _ = open_persistent(
                spec.path, files, bundled_ontology() if ontology else None
            )
            return KnowledgeGraph(
                ox_store, files=files, engine=engine, own_default=own, location=str(spec)
            )
    oxs = ox.Store()
    files = data_files([Path(p) for p in paths] if paths else [bundled_data()])
    if ontology:
        _parse_into(oxs, bundled_ontology(), ONTOLOGY_GRAPH)
    for path in files:
        _parse_into(oxs, path, None)
    return KnowledgeGraph(store=oxs, files=files, engine=engine, location=store)
