"""Data files -> an Oxigraph store: each file parsed into its graphs, then the union made.

Only os and pyoxigraph are imported here, so that the command line can start parsing in a
thread before it imports anything else (see octograph.graph.preload).
"""

from __future__ import annotations

import os

import pyoxigraph as ox

from octograph.errors import InputError
from octograph.formats import DATA_SUFFIXES
from octograph.namespaces import ONTOLOGY_GRAPH

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["build_store", "file_iri", "materialise_union", "parse_into"]

# What a file: IRI leaves unescaped, as pathlib's as_uri() does (urllib.parse's safe set).
_IRI_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/")


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
    fmt = DATA_SUFFIXES[os.path.splitext(path)[1].lower()]
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
