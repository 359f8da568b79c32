"""Data files -> an Oxigraph store: the RDF files of a folder, parsed, with the union made.

Only os and pyoxigraph are imported here, so that the command line can start parsing in a
thread before it imports anything else (see preload.py); load.py wraps these in Paths.
"""

from __future__ import annotations

import os

import pyoxigraph as ox

from octograph.errors import InputError, OctographError
from octograph.namespaces import ONTOLOGY_GRAPH

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

__all__ = ["FORMATS", "build_store", "file_iri", "find_files", "materialise_union", "parse_into"]

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

# What a file: IRI leaves unescaped, as pathlib's as_uri() does (urllib.parse's safe set).
_IRI_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/")


def package_dir(name: str) -> str:
    """The folder *name* (ontology, data) that ships with octograph."""
    # Installed from a wheel: octograph/ontology and octograph/data sit inside the package
    # (pyproject.toml maps them there). Source checkout or editable install: the folders at the
    # top of the repository, next to the package.
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for candidate in (os.path.join(package, name), os.path.join(os.path.dirname(package), name)):
        if os.path.isdir(candidate):
            return candidate
    raise OctographError(f"octograph is installed without its {name}/ folder")


def find_files(paths: Iterable[str]) -> list[str]:
    """Every RDF file under *paths* (files as given, folders searched in sorted order).

    Raises:
        InputError: a path does not exist, or a file has a suffix octograph cannot read.
    """
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            # os.walk, not Path.rglob: ten times faster over thousands of report folders,
            # which the persistent store lists at each start to see whether they changed.
            found = [
                os.path.join(root, name)
                for root, _, names in os.walk(path, followlinks=True)
                for name in names
                if os.path.splitext(name)[1].lower() in FORMATS
            ]
            # Folder by folder, name by name: the order Path sorting gives.
            out.extend(sorted(found, key=lambda p: p.split(os.sep)))
        elif os.path.isfile(path):
            if os.path.splitext(path)[1].lower() not in FORMATS:
                known = ", ".join(sorted(FORMATS))
                raise InputError(f"unknown RDF file suffix (expected one of {known})", path=path)
            out.append(path)
        else:
            raise InputError("no such file or folder", path=path)
    return out


def file_iri(path: str) -> str:
    """The ``file:`` IRI of *path*, absolute, escaped as ``Path.as_uri()`` escapes it."""
    raw = os.fsencode(os.path.realpath(path))
    return "file://" + "".join(chr(b) if b in _IRI_SAFE else f"%{b:02X}" for b in raw)


def parse_into(store: ox.Store, path: str, graph: str | None, base_iri: str | None = None) -> None:
    """Parse the file *path* into *store*: its own graphs, or *graph* for a triples format.

    *base_iri* is the file's own IRI (file_iri), if the caller has worked it out already.

    Raises:
        InputError: the file cannot be read or does not parse (with its line and column).
    """
    fmt = FORMATS[os.path.splitext(path)[1].lower()]
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    try:
        # By path, not by bytes: Oxigraph then reads the file without taking the GIL back for
        # each chunk, which matters when the command line parses in a thread (preload.py).
        iri = base_iri or file_iri(path)
        if fmt.supports_datasets:
            store.load(path=path, format=fmt, base_iri=iri)
        else:
            store.load(path=path, format=fmt, base_iri=iri, to_graph=target)
    except SyntaxError as e:
        import re

        # "Parser error at line 3 between columns 1 and 2: what": the place is said once, by us.
        message = re.sub(r"^Parser error (?:at|between) [^:]*: ", "", e.msg)
        raise InputError(message, path=path, line=e.lineno, column=e.offset) from e
    except OSError as e:
        raise InputError(e.strerror or str(e), path=path) from e
    except ValueError as e:
        raise InputError(str(e), path=path) from e


def materialise_union(store: ox.Store) -> None:
    """Add every named graph's triples to *store*'s default graph: the union, as a set.

    A SPARQL update runs inside Oxigraph, ~10x faster than copying quads through Python;
    inserting a triple the default graph already holds changes nothing, hence a set.
    """
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def build_store(
    files: list[str],
    ontology: str | None,
    progress: Callable[[int, int], None] | None = None,
    *,
    iris: Mapping[str, str] | None = None,
) -> tuple[ox.Store, list[ox.Quad]]:
    """*files* (and *ontology*, into its own named graph) parsed into a new in-memory store.

    *iris* gives files' base IRIs worked out beforehand: a thread that parses while the main
    thread runs Python should not need the GIL for anything but the calls into Oxigraph.

    The store's default graph is then made the union (a set) of every graph: Oxigraph's own
    union option repeats a triple once per graph that holds it, where SPARQL's default graph
    is a set. Returns the store and what the files put in the default graph themselves (triples
    from Turtle files), which is kept apart so that exports give back exactly what was loaded.
    """
    store = ox.Store()
    iris = iris or {}
    if ontology is not None:
        parse_into(store, ontology, ONTOLOGY_GRAPH, iris.get(ontology))
    for i, path in enumerate(files):
        parse_into(store, path, None, iris.get(path))
        if progress is not None:
            progress(i + 1, len(files))
    own = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    materialise_union(store)
    return store, own
