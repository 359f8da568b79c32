"""The command line's parser: the options shared by commands, declared once, and each command's.

Each command adds its own arguments in a function of its own, and the parser is built for
the command on the command line only: building all seventeen costs ~30 ms (argparse makes a
parser, a formatter and several gettext look-ups per command), a third of a query's start.
Without a known command (`octograph --help`, a typo), every command is built.
"""

from __future__ import annotations

import argparse

from octograph.cli import commands
from octograph.cli.config import ENGINES, host, language_tag, port, root_path
from octograph.errors import OctographError
from octograph.graph.preload import GRAPH_COMMANDS

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from octograph.cli.config import Config

__all__ = [
    "COMMANDS",
    "add_graph_options",
    "add_limit",
    "add_output",
    "add_selection",
    "add_text_or_json",
    "add_timeout",
    "build_parser",
]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise OctographError(f"{self.prog}: {_with_suggestion(message)}")


def _with_suggestion(message: str) -> str:
    """argparse's "invalid choice" with the closest choice suggested instead of every choice.

    >>> _with_suggestion("argument COMMAND: invalid choice: 'qurey' (choose from 'stats', 'query')")
    "unknown command 'qurey'; did you mean query? (octograph --help lists them)"
    """
    import re

    m = re.match(r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.*)\)$", message)
    if m is None:
        return message
    import difflib

    what, given = m[1], m[2]
    choices = [c.strip("' ") for c in m[3].split(",")]
    close = difflib.get_close_matches(given, choices, n=1, cutoff=0.5)
    if what == "COMMAND":
        hint = f"; did you mean {close[0]}?" if close else ""
        return f"unknown command {given!r}{hint} (octograph --help lists them)"
    hint = f"did you mean {close[0]}?" if close else f"choose from {', '.join(choices)}"
    return f"{what}: {given!r} is not a choice; {hint}"


def _option_type(read: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from a reader of config.py: the same check for option and variable."""

    def convert(text: str) -> object:
        try:
            return read(text)
        except ValueError as e:
            raise argparse.ArgumentTypeError(f"expected {e}, got {text!r}") from None

    convert.__name__ = read.__name__  # argparse names the type in some messages
    return convert


def _positive_seconds(text: str) -> float:
    """An argparse type: a number of seconds above zero that a lock's wait can take."""
    import _thread

    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= _thread.TIMEOUT_MAX:  # not NaN, not infinity (~292 years at most)
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds above 0 and at most {_thread.TIMEOUT_MAX:g}, "
            f"got {text!r}"
        )
    return seconds


# ---------------------------------------------------------------- options shared by commands


def add_graph_options(target: argparse.ArgumentParser, config: Config | None) -> None:
    """--data, --store, --lang, --engine: where the graph comes from and how it is shown.

    On the top parser (*config* given) their defaults come from the environment; on a
    command's parser (*config* None) they default to SUPPRESS, so that they do not overwrite
    what was given before the command.
    """

    target.add_argument(
        "--data",
        action="append",
        metavar="PATH",
        default=[] if config is not None else argparse.SUPPRESS,
        help="an RDF file or folder to load instead of the bundled report (repeatable)",
    )
    target.add_argument(
        "--store",
        metavar="SPEC",
        default=config.store if config is not None else argparse.SUPPRESS,
        help="where the graph lives: oxigraph (in memory, default), oxigraph:PATH (on disk, "
        "rebuilt when the data change), memory (rdflib), sparql:URL (a SPARQL 1.1 server; "
        "credentials in OCTOGRAPH_SPARQL_USER and OCTOGRAPH_SPARQL_PASSWORD); "
        "env OCTOGRAPH_STORE",
    )
    target.add_argument(
        "--lang",
        type=_option_type(language_tag),
        default=config.lang if config is not None else argparse.SUPPRESS,
        help="language of labels in tables and the view, where the graph has them "
        "(default en, else English); env OCTOGRAPH_LANG",
    )
    target.add_argument(
        "--engine",
        choices=ENGINES,
        default=config.engine if config is not None else argparse.SUPPRESS,
        help="SPARQL engine: oxigraph (fast, default) or rdflib (the reference); "
        "env OCTOGRAPH_ENGINE",
    )


def add_output(
    p: argparse.ArgumentParser,
    text: str = "write to FILE (atomically) instead of standard output",
    *,
    folder: bool = False,
    required: bool = False,
) -> None:
    """-o/--output: a file (or, for commands that write several, a folder)."""
    metavar = "DIR" if folder else "FILE"
    p.add_argument("-o", "--output", required=required, metavar=metavar, help=text)


def add_text_or_json(p: argparse.ArgumentParser) -> None:
    """--format text|json, for the commands that print a summary."""
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default) or json for programs",
    )


def add_limit(p: argparse.ArgumentParser, what: str, default: int | None = None) -> None:
    """--limit N: at most N rows, passages, …"""
    shown = f" (default {default})" if default is not None else ""
    p.add_argument(
        "--limit", type=int, default=default, metavar="N", help=f"show at most N {what}{shown}"
    )


def add_timeout(p: argparse.ArgumentParser, default: float | None, what: str) -> None:
    """--timeout S: how long *what* may take, in seconds above zero."""
    shown = f"default {default:g}" if default is not None else "default: no limit"
    p.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=default,
        metavar="S",
        help=f"stop {what} after S seconds ({shown})",
    )


def add_selection(p: argparse.ArgumentParser) -> None:
    """The options that choose what the graph view and the graph exports show."""
    p.add_argument("--types", metavar="A,B", help="only these categories, e.g. Threat,Remedy")
    p.add_argument("--focus", metavar="LABEL|IRI", help="only the neighbourhood of an entity")
    p.add_argument("--depth", type=int, default=1, help="neighbourhood depth (default 1)")
    p.add_argument("--message", type=int, metavar="N", help="only what key message N states")
    p.add_argument("--no-messages", action="store_true", help="leave out key-message nodes")
    p.add_argument("--passages", action="store_true", help="add a node per passage")
    p.add_argument(
        "--taxonomy",
        action="store_true",
        help="add the incident-taxonomy classes the threats are aligned with",
    )


# ---------------------------------------------------------------- each command's arguments


def _args_stats(p: argparse.ArgumentParser, config: Config) -> None:
    add_text_or_json(p)
    p.set_defaults(func=commands.cmd_stats)


def _args_validate(p: argparse.ArgumentParser, config: Config) -> None:
    p.set_defaults(func=commands.cmd_validate)


def _args_export(p: argparse.ArgumentParser, config: Config) -> None:
    add_output(p)
    add_selection(p)
    p.add_argument(
        "--format",
        default="turtle",
        help="turtle (default; the union graph), trig, nt, nquads, jsonld, xml; "
        "graphml, gexf, csv (an edge list with labels) for graph tools",
    )
    p.set_defaults(func=commands.cmd_export)


def _args_view(p: argparse.ArgumentParser, config: Config) -> None:
    add_output(p, "the page to write (default octograph-view.html)")
    add_selection(p)
    p.add_argument("--open", action="store_true", help="open the page in a browser")
    p.add_argument(
        "--layout",
        choices=("network", "map"),
        default="network",
        help="the picture the page opens on: the network (default), or the message map "
        "(key messages, then threats, remedies, stakeholders, instruments, left to right)",
    )
    p.set_defaults(func=commands.cmd_view)


def _args_rank(p: argparse.ArgumentParser, config: Config) -> None:
    p.description = (
        "The entities the report connects most, category by category. 'relations' counts "
        "the relations the report states with an entity (its degree in the graph, key "
        "messages left out); 'betweenness' (0 to 1) is how often it lies on the shortest "
        "paths between other entities: a high one marks a go-between, such as a body that "
        "links threats to remedies."
    )
    p.add_argument(
        "--types",
        default="Stakeholder,Threat,Remedy",
        metavar="A,B",
        help="the categories to rank, comma-separated, e.g. Stakeholder, Threat, Remedy, "
        "Instrument, Value, Event, Tension, Place (default Stakeholder,Threat,Remedy)",
    )
    p.add_argument(
        "--top",
        type=int,
        default=5,
        metavar="N",
        help="how many entities to show per category, most related first (default 5)",
    )
    add_text_or_json(p)
    p.set_defaults(func=commands.cmd_rank)


def _args_path(p: argparse.ArgumentParser, config: Config) -> None:
    p.add_argument("source", metavar="A", help="label, IRI or CURIE")
    p.add_argument("target", metavar="B", help="label, IRI or CURIE")
    add_text_or_json(p)
    p.set_defaults(func=commands.cmd_path)


def _args_query(p: argparse.ArgumentParser, config: Config) -> None:
    add_output(p)
    p.add_argument("query", nargs="?", help="SPARQL text, or the name of a named question")
    p.add_argument("-f", "--file", metavar="FILE", help="read the query from FILE (- for stdin)")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME to a label, IRI, CURIE or value (repeatable)",
    )
    p.add_argument(
        "--format",
        help="table, csv, tsv, json, xml (SELECT/ASK); an RDF format "
        "for CONSTRUCT/DESCRIBE (default: table on a terminal, else csv)",
    )
    add_limit(p, "rows")
    p.add_argument(
        "--iris",
        action="store_true",
        help="show IRIs instead of labels in tables (a table fits the terminal's width, "
        "COLUMNS where set; csv, tsv, json and xml are always exact and complete)",
    )
    p.add_argument(
        "--why",
        action="store_true",
        help="add the passages (number and quote) that state each row's relations",
    )
    p.add_argument("--list", action="store_true", help="list the named questions")
    p.add_argument(
        "--describe",
        metavar="NAME",
        help="say what a named question asks, its parameters and where its SPARQL is",
    )
    add_timeout(p, None, "the query")
    p.add_argument(
        "--allow-federation",
        action="store_true",
        help="let SERVICE clauses query other endpoints (off by default)",
    )
    p.set_defaults(func=commands.cmd_query)


def _args_draft(p: argparse.ArgumentParser, config: Config) -> None:
    p.add_argument("report", metavar="REPORT.txt", help="the report as UTF-8 plain text")
    p.add_argument("--id", required=True, help="the report's id, e.g. octopus-2021")
    add_output(p, "the folder to write (default: ./ID)", folder=True)
    p.add_argument("--force", action="store_true", help="replace an existing folder or id")
    p.set_defaults(func=commands.cmd_draft)


def _args_search(p: argparse.ArgumentParser, config: Config) -> None:
    p.add_argument("text", nargs="+", help='words (all must match), "a phrase", prefix*')
    add_limit(p, "passages", 20)
    add_text_or_json(p)
    p.set_defaults(func=commands.cmd_search)


def _args_diff(p: argparse.ArgumentParser, config: Config) -> None:
    p.add_argument("a", metavar="REPORT_A", help="report id, IRI, CURIE or label")
    p.add_argument("b", metavar="REPORT_B", help="report id, IRI, CURIE or label")
    add_text_or_json(p)
    p.set_defaults(func=commands.cmd_diff)


def _args_serve(p: argparse.ArgumentParser, config: Config) -> None:
    p.add_argument(
        "--host",
        type=_option_type(host),
        default=config.host,
        help="address to bind (default 127.0.0.1; env OCTOGRAPH_HOST)",
    )
    p.add_argument(
        "--port",
        type=_option_type(port),
        default=config.port,
        help="port, 0 for any free one (default 8000; env OCTOGRAPH_PORT)",
    )
    add_timeout(p, 10.0, "a query")
    p.add_argument(
        "--max-rows",
        type=int,
        default=10_000,
        metavar="N",
        help="return at most N result rows (default 10000)",
    )
    p.add_argument(
        "--max-body",
        type=int,
        default=1_000_000,
        metavar="BYTES",
        help="refuse request bodies larger than this (default 1 MB)",
    )
    p.add_argument("--cors", metavar="ORIGIN", help="allow cross-origin requests from ORIGIN")
    p.add_argument("--workers", type=int, default=2, help="query worker processes (default 2)")
    p.add_argument(
        "--root-path",
        type=_option_type(root_path),
        default=config.root_path,
        metavar="PATH",
        help="the path prefix a reverse proxy serves octograph under (env OCTOGRAPH_ROOT_PATH)",
    )
    p.add_argument(
        "--cache-mb",
        type=int,
        default=64,
        metavar="MB",
        help="memory for repeated answers (default 64; 0 turns the cache off)",
    )
    p.add_argument(
        "--worker-mb",
        type=int,
        default=1024,
        metavar="MB",
        help="memory a query worker may take beyond the server's (default 1024); a query "
        "that needs more is answered 503",
    )
    p.set_defaults(func=commands.cmd_serve)


def _args_push(p: argparse.ArgumentParser, config: Config) -> None:
    p.add_argument(
        "--batch",
        type=int,
        default=50_000,
        metavar="N",
        help="triples per batch sent to a server (default 50000)",
    )
    p.add_argument(
        "--force", action="store_true", help="rebuild a persistent store even if unchanged"
    )
    p.set_defaults(func=commands.cmd_push)


def _args_taxonomy(p: argparse.ArgumentParser, config: Config) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser(
        "import",
        help="convert a MISP taxonomy (machinetag.json) to a SKOS concept scheme (TriG)",
    )
    add_output(p)
    p.add_argument("file", metavar="FILE", help="the MISP machinetag.json file")
    p.set_defaults(func=commands.cmd_taxonomy_import)


def _args_docs(p: argparse.ArgumentParser, config: Config) -> None:
    add_output(
        p,
        "the folder (it must exist) to write index.html and model.svg into",
        folder=True,
        required=True,
    )
    p.set_defaults(func=commands.cmd_docs)


def _args_synth(p: argparse.ArgumentParser, config: Config) -> None:
    p.add_argument("--reports", type=int, default=100, metavar="N", help="how many (default 100)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes)")
    add_output(p, "the folder to write", folder=True, required=True)
    p.set_defaults(func=commands.cmd_synth)


# name -> (help, a function that adds its arguments); the commands in GRAPH_COMMANDS load the
# graph, and take the graph options too.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser, Config], None]]] = {
    "stats": ("counts of triples, graphs, passages, entities", _args_stats),
    "validate": (
        "SHACL, quotes at their offsets, declared terms, labels, SKOS; exit 1 if invalid",
        _args_validate,
    ),
    "export": ("write the graph as RDF, or as GraphML, GEXF or CSV", _args_export),
    "view": ("write the interactive graph view: one self-contained HTML file", _args_view),
    "rank": ("the most central entities per category", _args_rank),
    "path": ("the shortest chain of relations between two entities, with quotes", _args_path),
    "query": ("run SPARQL, from the command line, a file, or a named question", _args_query),
    "draft": ("draft a new report's data folder from its plain text", _args_draft),
    "search": ("find passages by words, ranked", _args_search),
    "diff": ("compare two reports", _args_diff),
    "serve": ("a read-only SPARQL 1.1 endpoint and pages for people", _args_serve),
    "push": (
        "write the data to --store sparql:URL or oxigraph:PATH and verify the counts",
        _args_push,
    ),
    "load": ("the same as push (reads better for --store oxigraph:PATH)", _args_push),
    "taxonomy": ("incident taxonomies: MISP machine-tag JSON -> SKOS", _args_taxonomy),
    "docs": (
        "write HTML documentation of the ontology, with examples and a diagram",
        _args_docs,
    ),
    "synth": ("write a synthetic corpus of reports for benchmarks", _args_synth),
}


def build_parser(config: Config, command: str | None = None) -> argparse.ArgumentParser:
    """The command line parser: for *command* only, or for every command when None.

    The defaults of the options that have an OCTOGRAPH_* variable come from *config*.
    """
    parser = _Parser(
        prog="octograph",
        description="A policy report as an RDF knowledge graph: query, validate, export.",
    )
    parser.add_argument("--version", action="version", version=_version())
    add_graph_options(parser, config)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (text, add_arguments) in COMMANDS.items():
        if command is not None and name != command:
            continue
        p = sub.add_parser(name, help=text)
        if name in GRAPH_COMMANDS:
            add_graph_options(p, None)
        add_arguments(p, config)
    return parser


def _version() -> str:
    from octograph import __version__

    return f"octograph {__version__}"
