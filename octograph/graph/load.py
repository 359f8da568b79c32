"""Files -> the knowledge graph: the ontology and every report's data in one quad store."""

from __future__ import annotations

import os

import pyoxigraph as ox

from octograph.errors import InputError, OctographError
from octograph.graph.files import find_files, package_dir

# Not typing.TYPE_CHECKING: importing typing costs ~5 ms of the CLI's start (mypy treats any
# name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path
    from typing import Any

    import networkx as nx
    import rdflib

    from octograph.engines.base import Engine
    from octograph.engines.http import RemoteOptions
    from octograph.graph.validate import ValidationReport
    from octograph.sparql.results import Results

__all__ = [
    "ENGINES",
    "KnowledgeGraph",
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
    """The loaded graph: the report's quads, one named graph per passage, behind an engine.

    The union of all graphs is the default graph for queries. ``engine`` answers them:
    embedded Oxigraph (fast, the default), rdflib's own engine (the reference) or a SPARQL
    server; every method here goes through it, so a choice of engine holds for all of them.
    """

    # A plain class, not a dataclass: importing dataclasses costs ~20 ms of the CLI's start.
    def __init__(self, engine: Engine, files: list[Path] | None = None) -> None:
        self.engine = engine
        self.files = files or []
        self._dataset: Any = None

    @property
    def location(self) -> str:
        """Where the graph lives, for messages: the store spec, credentials taken out."""
        return self.engine.location

    def quads(self) -> list[ox.Quad]:
        """What was loaded: every named graph's quads and the triples loaded as default graph."""
        return list(self.engine.quads())

    def triples(self) -> set[ox.Triple]:
        """The default graph: the union, as a set, of all graphs."""
        return {q.triple for q in self.engine.quads()}

    def __repr__(self) -> str:
        engine = self.engine.name
        return f"<KnowledgeGraph {len(self)} quads, store={self.location}, engine={engine}>"

    def __len__(self) -> int:
        """The number of quads (a triple stated in two passages counts twice)."""
        return self.engine.count()

    @property
    def dataset(self) -> rdflib.Dataset:
        """The same quads as an rdflib ``Dataset`` whose default graph is the union."""
        if self._dataset is None:
            dataset = getattr(self.engine, "dataset", None)
            if dataset is None:
                from octograph.engines.reference import RdflibEngine

                dataset = RdflibEngine(self.quads()).dataset
            self._dataset = dataset
        result: rdflib.Dataset = self._dataset
        return result

    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        return self.engine.graph_names()

    def query(self, text: str, **params: object) -> Results:
        """Run SPARQL *text*; keyword arguments bind variables safely (no string splicing).

        >>> kg = load()
        >>> kg.query("ASK { kg:budapest-convention a octo:Treaty }").boolean
        True
        """
        from octograph.graph.querying import run

        return run(self, text, params)

    def ask(self, name: str, **params: object) -> Results:
        """Run the named question *name* (see ``octograph query --list``)."""
        from octograph.graph.querying import run_named

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
        from octograph.graph.querying import stats

        return stats(self)

    def to_networkx(self, **options: Any) -> nx.MultiDiGraph:
        """The report's entities and relations as a networkx multigraph (see view.network)."""
        # The one import of a higher layer, declared in pyproject.toml's contracts: this
        # method is the public API's way to the graph view's input.
        from octograph.view.network import to_networkx

        return to_networkx(self, **options)

    def close(self) -> None:
        """Let go of the engine's files and connections."""
        self.engine.close()


def load(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    *,
    engine: str = "oxigraph",
    ontology: bool = True,
    store: str = "oxigraph",
    remote: RemoteOptions | None = None,
) -> KnowledgeGraph:
    """Load the bundled report, or the RDF files and folders in *paths*, with the ontology.

    Args:
        paths: a file or folder, or a list of them, of TriG, Turtle, N-Triples, N-Quads,
            RDF/XML or JSON-LD; ``None`` loads the bundled reports.
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
    if isinstance(paths, (str, os.PathLike)):  # one path, not the characters of its name
        paths = [paths]
    files = None if store.startswith("sparql:") else data_files(paths or [bundled_data()])
    ontology_file = bundled_ontology() if ontology else None
    if store == "oxigraph":
        base: Engine = _in_memory(files or [], ontology_file)
    else:
        base = _open_store(store, paths, files or [], ontology_file, engine, remote)
    if engine == "rdflib" or store == "memory":
        from octograph.engines.reference import RdflibEngine

        base = RdflibEngine(list(base.quads()), location=base.location)
    return KnowledgeGraph(base, files=files)


def _in_memory(files: list[Path], ontology: Path | None) -> Engine:
    from octograph.engines.embedded import OxigraphEngine
    from octograph.engines.parsing import build_store
    from octograph.graph.preload import take

    names = [str(f) for f in files]
    ontology_file = str(ontology) if ontology else None
    # The command line may have started parsing these very files in a thread (preload.py).
    store, own = take(names, ontology_file) or build_store(names, ontology_file)
    return OxigraphEngine(store, own)


def _open_store(
    store: str,
    paths: Sequence[str | os.PathLike[str]] | None,
    files: list[Path],
    ontology: Path | None,
    engine: str,
    remote: RemoteOptions | None,
) -> Engine:
    """The engine of a ``--store`` other than the default: on disk, rdflib's, or a server."""
    from octograph.engines.spec import parse_spec

    spec = parse_spec(store)
    if spec.kind == "sparql":
        from octograph.engines.remote import open_remote

        if paths:
            raise InputError(
                "--data is for octograph push; a sparql: store answers from what was pushed",
                path=str(spec),
            )
        if engine != "oxigraph":
            raise OctographError(f"{spec}: queries run on the server (no --engine rdflib)")
        return open_remote(spec.url or "", remote)
    if spec.path is None:  # memory: parsed here, answered by rdflib (see load)
        return _in_memory(files, ontology)
    from octograph.engines.embedded import OxigraphEngine
    from octograph.engines.ondisk import open_persistent, store_fingerprint

    ox_store, own, _ = open_persistent(spec.path, files, ontology)
    digest = store_fingerprint(spec.path)
    return OxigraphEngine(
        ox_store, own, location=str(spec), folder=str(spec.path), fingerprint=digest
    )
