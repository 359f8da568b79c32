"""Files -> the knowledge graph: the ontology and every report's data in one quad store."""

from __future__ import annotations

import os
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
    from octograph.validate import ValidationReport

__all__ = ["ENGINES", "KnowledgeGraph", "bundled_data", "bundled_ontology", "data_files", "load"]

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
            out.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in FORMATS
            )
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
        message = e.msg
        if "between line" in message and ":" in message:
            message = message.split(":", 1)[1].strip()
        raise InputError(message, path=str(path), line=e.lineno, column=e.offset) from e
    except (ValueError, OSError) as e:
        raise InputError(str(e), path=str(path)) from e


class KnowledgeGraph:
    """The loaded graph: an embedded Oxigraph store holding one named graph per passage.

    The union of all graphs is the default graph for queries. ``engine`` says which SPARQL
    engine answers queries: ``"oxigraph"`` (fast) or ``"rdflib"`` (the reference).
    """

    # A plain class, not a dataclass: importing dataclasses costs ~20 ms of the CLI's start.
    def __init__(
        self, store: ox.Store, files: list[Path] | None = None, engine: str = "oxigraph"
    ) -> None:
        self.store = store
        self.files = files or []
        self.engine = engine
        self._dataset: Any = None
        # The store's default graph is made the union (a set) of every graph: Oxigraph's own
        # union option repeats a triple once per graph that holds it, where SPARQL's default
        # graph is a set. What was in the default graph before (triples from Turtle files)
        # is kept apart so that exports give back exactly what was loaded.
        self._own_default = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        store.extend(
            ox.Quad(q.subject, q.predicate, q.object)
            for q in list(store)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )

    def quads(self) -> list[ox.Quad]:
        """What was loaded: every named graph's quads and the triples loaded as default graph."""
        named = [q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph)]
        return named + self._own_default

    def triples(self) -> set[ox.Triple]:
        """The default graph: the union, as a set, of all graphs."""
        return {q.triple for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())}

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {len(self)} quads, engine={self.engine}>"

    def __len__(self) -> int:
        """The number of quads (a triple stated in two passages counts twice)."""
        return len(self.quads())

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


def load(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    engine: str = "oxigraph",
    ontology: bool = True,
) -> KnowledgeGraph:
    """Load the bundled report, or the RDF files and folders in *paths*, with the ontology.

    Args:
        paths: files or folders of TriG, Turtle, N-Triples, N-Quads, RDF/XML or JSON-LD;
            ``None`` loads the bundled reports.
        engine: ``"oxigraph"`` or ``"rdflib"``, the engine that answers queries.
        ontology: also load the bundled ontology into its own named graph.

    Raises:
        InputError: a file is missing or does not parse (with file, line and column).

    >>> kg = load()
    >>> len(kg.graph_names()) > 40
    True
    """
    if engine not in ENGINES:
        raise OctographError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    store = ox.Store()
    files = data_files([Path(p) for p in paths] if paths else [bundled_data()])
    if ontology:
        _parse_into(store, bundled_ontology(), ONTOLOGY_GRAPH)
    for path in files:
        _parse_into(store, path, None)
    return KnowledgeGraph(store=store, files=files, engine=engine)
