"""The bundled data, parsed in a thread while the ``octograph`` command starts.

Oxigraph parses and updates without holding the GIL, so on two cores the ~40 ms it takes to
parse the bundled data overlap the ~35 ms Python spends importing argparse and the rest of
octograph, building the parser and reading the query. Only the command line does this, only
when its arguments do not name other data or another store, and only as a guess: load() takes
the parsed store if it asks for exactly these files, and parses them itself otherwise (when a
file does not parse too, so that the error is reported by load() with its place).
"""

from __future__ import annotations

import _thread
import os
import sys

from octograph.engines.parsing import build_store, file_iri
from octograph.errors import OctographError
from octograph.graph.files import find_files, package_dir

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    import pyoxigraph as ox

__all__ = ["GLOBAL_VALUE_OPTIONS", "GRAPH_COMMANDS", "command_in", "finish", "start", "take"]

# The commands that load the graph, and so take the global options.
GRAPH_COMMANDS = frozenset(
    (
        "stats",
        "validate",
        "export",
        "view",
        "rank",
        "path",
        "query",
        "draft",
        "search",
        "diff",
        "serve",
        "push",
        "load",
        "docs",
    )
)
# The global options (before or after the command) that take a value.
GLOBAL_VALUE_OPTIONS = ("--data", "--store", "--lang", "--engine")
# Options after which the bundled data are not what the command will load, or not at all.
_NOT_BUNDLED = ("--data", "--store", "-h", "--help", "--version", "--list", "--describe")


def command_in(argv: Sequence[str]) -> str | None:
    """The first word of *argv* that is not an option or an option's value: the command."""
    after_option = False
    for arg in argv:
        if after_option:
            after_option = False
        elif arg in GLOBAL_VALUE_OPTIONS:
            after_option = True
        elif not arg.startswith("-"):
            return arg
    return None


class _Parsing:
    """The parse, running in a thread of its own (_thread: threading costs ~3 ms to import)."""

    def __init__(self, files: list[str], ontology: str) -> None:
        self.files, self.ontology = files, ontology
        # Worked out here, in the main thread: in the parsing thread, each of their system
        # calls would wait for the GIL again, while the main thread imports.
        self.iris = {path: file_iri(path) for path in [ontology, *files]}
        self.built: tuple[ox.Store, list[ox.Quad]] | None = None
        self.switch_interval = sys.getswitchinterval()
        self._done = _thread.allocate_lock()
        self._done.acquire()
        # Each call into Oxigraph ends by taking the GIL back from the main thread, which holds
        # it while it imports: at the default 5 ms switch interval a dozen files lose ~40 ms,
        # at 50 us ~1 ms. take() sets it back.
        sys.setswitchinterval(0.00005)
        _thread.start_new_thread(self._run, ())

    def _run(self) -> None:
        try:
            self.built = build_store(self.files, self.ontology, iris=self.iris)
        except Exception:  # load() parses again, and reports what went wrong with its place
            self.built = None
        finally:
            self._done.release()

    def join(self) -> None:
        with self._done:
            sys.setswitchinterval(self.switch_interval)


_pending: _Parsing | None = None


def start(argv: Sequence[str], store: str | None = None) -> None:
    """Start parsing the bundled data if the command line *argv* is going to load them.

    *store* is the store the environment names (OCTOGRAPH_STORE), if any: another store than
    the default one in memory does not take these files.
    """
    global _pending
    if command_in(argv) not in GRAPH_COMMANDS or any(a.startswith(_NOT_BUNDLED) for a in argv):
        return
    if store not in (None, "", "oxigraph"):
        return
    try:
        files = find_files([package_dir("data")])
        ontology = os.path.join(package_dir("ontology"), "octograph.ttl")
    except OctographError:
        return  # load() says what is missing
    _pending = _Parsing(files, ontology)


def take(files: list[str], ontology: str | None) -> tuple[ox.Store, list[ox.Quad]] | None:
    """The store parsed by start(), if it parsed exactly *files* and *ontology*; else None."""
    global _pending
    parsing, _pending = _pending, None
    if parsing is None:
        return None
    parsing.join()
    if (parsing.files, parsing.ontology) != (files, ontology):
        return None
    return parsing.built


def finish() -> None:
    """Wait for a parse that nobody took: the interpreter must not exit while it runs."""
    take([], None)
