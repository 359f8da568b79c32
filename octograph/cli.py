"""The ``octograph`` command: thin sub-commands over the Python API.

argparse rather than click: the query path must start in a blink (click alone costs ~80 ms
here, more than the whole query), and argparse is already in the standard library.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from octograph.errors import OctographError, QueryError

if TYPE_CHECKING:
    from octograph.load import KnowledgeGraph

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
GRAPH_FORMAT_NAMES = ("graphml", "gexf", "csv")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise OctographError(f"{self.prog}: {message}")


def _kg(args: argparse.Namespace) -> KnowledgeGraph:
    from octograph.load import load

    return load(args.data or None, engine=args.engine)


def _write(args: argparse.Namespace, data: bytes) -> None:
    if args.output:
        from octograph.export import write_atomic

        write_atomic(args.output, data)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


# ---------------------------------------------------------------- commands


def cmd_stats(args: argparse.Namespace) -> int:
    stats = _kg(args).stats()
    if args.format == "json":
        print(json.dumps(stats, indent=2))
        return EXIT_OK
    for key in ("quads", "triples", "graphs", "passages", "key_messages"):
        print(f"{key.replace('_', ' '):<14} {stats[key]}")
    print("entities per class:")
    for cls, n in stats["classes"].items():
        print(f"  {cls:<20} {n}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    report = _kg(args).validate()
    print(report.text())
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_export(args: argparse.Namespace) -> int:
    if args.format in GRAPH_FORMAT_NAMES:
        from octograph.network import GRAPH_FORMATS

        graph = _kg(args).to_networkx(**_graph_options(args))
        _write(args, GRAPH_FORMATS[args.format](graph))
        return EXIT_OK
    from octograph.export import serialize

    _write(args, serialize(_kg(args), args.format))
    return EXIT_OK


def _graph_options(args: argparse.Namespace) -> dict[str, object]:
    return {
        "categories": args.types.split(",") if getattr(args, "types", None) else None,
        "focus": getattr(args, "focus", None),
        "depth": getattr(args, "depth", 1),
        "message": getattr(args, "message", None),
        "messages": not getattr(args, "no_messages", False),
        "passages": getattr(args, "passages", False),
    }


def _node(kg: KnowledgeGraph, graph: object, name: str) -> str:
    from octograph.errors import NotFoundError
    from octograph.query import resolve_param

    term = resolve_param(kg, name)
    if term.value not in graph:  # type: ignore[operator]
        raise NotFoundError(f"{name!r} is not an entity of the graph")
    return term.value


def cmd_view(args: argparse.Namespace) -> int:
    from octograph.errors import NotFoundError
    from octograph.view import build_view

    graph = _kg(args).to_networkx(**_graph_options(args))
    if graph.number_of_nodes() == 0:
        what = [
            f"{k}={v}"
            for k, v in vars(args).items()
            if k in {"types", "focus", "message"} and v is not None
        ]
        raise NotFoundError(f"the selection {' '.join(what) or ''} is empty: no node to draw")
    path = Path(args.output or "octograph-view.html")
    title = "octograph — " + (f"around {args.focus}" if args.focus else "the report's graph")
    build_view(graph, title=title).write(path)
    print(path)
    if args.open:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())
    return EXIT_OK


def cmd_rank(args: argparse.Namespace) -> int:
    from octograph.network import rank

    graph = _kg(args).to_networkx(messages=False)
    table = rank(graph, args.types.split(","), top=args.top)
    if args.format == "json":
        print(json.dumps(table, indent=2, ensure_ascii=False))
        return EXIT_OK
    for category, rows in table.items():
        print(f"{category}:")
        for row in rows:
            print(f"  {row['degree']:>3}  {row['betweenness']:.3f}  {row['label']}")
    return EXIT_OK


def cmd_path(args: argparse.Namespace) -> int:
    from octograph.network import shortest_path

    kg = _kg(args)
    # Key messages would be shortcuts between any two things one message names: leave them out.
    graph = kg.to_networkx(messages=False)
    steps = shortest_path(graph, _node(kg, graph, args.source), _node(kg, graph, args.target))
    if args.format == "json":
        print(json.dumps(steps, indent=2, ensure_ascii=False))
        return EXIT_OK
    for i, step in enumerate(steps, 1):
        print(f"{i}. {step['subject_label']} —{step['label']}→ {step['object_label']}")
        for p in step["passages"]:
            print(f"     ¶{p['number']} “{p['quote']}”")
    return EXIT_OK


def _params(pairs: Sequence[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.isidentifier():
            raise QueryError(f"--param takes NAME=VALUE, got {pair!r}")
        out[name] = value
    return out


def cmd_query(args: argparse.Namespace) -> int:
    from octograph import query as q

    if args.list:
        for question in q.named_questions().values():
            shown = " ".join(
                f"{p.name}={p.default!r}" if p.default else p.name for p in question.params
            )
            print(f"{question.name:<28} {question.title}" + (f"  [{shown}]" if shown else ""))
        return EXIT_OK
    if args.describe:
        question = q.get_question(args.describe)
        print(question.sparql, end="" if question.sparql.endswith("\n") else "\n")
        return EXIT_OK
    if args.file:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(args.file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise QueryError(str(getattr(e, "strerror", None) or e), path=args.file) from e
        named = None
    elif args.query is None:
        raise QueryError("give a query, -f FILE, or a named question (see octograph query --list)")
    elif q.looks_like_name(args.query):
        named, text = args.query, ""
    else:
        named, text = None, args.query
    bindings = _params(args.param)
    kg = _kg(args)
    if named:
        results = q.run_named(
            kg, named, bindings, limit=args.limit, allow_federation=args.allow_federation
        )
    else:
        results = q.run(
            kg, text, bindings, limit=args.limit, allow_federation=args.allow_federation
        )
    if args.why:
        sparql = q.get_question(named).sparql if named else text
        results = q.add_why(kg, results, sparql)
    if results.kind == "graph":
        from octograph.export import serialize_triples

        _write(args, serialize_triples(results.triples, args.format or "turtle"))
        return EXIT_OK
    from octograph.formats import render

    fmt = args.format or ("table" if sys.stdout.isatty() else "csv")
    _write(args, render(results, fmt, iris=args.iris).encode("utf-8"))
    if results.kind == "ask":
        return EXIT_OK if results.boolean else EXIT_FAILED
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from octograph.server import serve  # Starlette and uvicorn load only for this command

    serve(
        _kg(args),
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_body=args.max_body,
        cors=args.cors,
        workers=args.workers,
    )
    return EXIT_OK


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="octograph",
        description="A policy report as an RDF knowledge graph: query, validate, export.",
    )
    parser.add_argument("--version", action="version", version=_version())
    # --data and --engine go before or after the command: the sub-commands' copies default to
    # SUPPRESS so that they do not overwrite what was given before the command.
    common = _Parser(add_help=False)
    for target, default in ((parser, True), (common, False)):
        target.add_argument(
            "--data",
            action="append",
            metavar="PATH",
            default=[] if default else argparse.SUPPRESS,
            help="an RDF file or folder to load instead of the bundled report (repeatable)",
        )
        target.add_argument(
            "--engine",
            choices=("oxigraph", "rdflib"),
            default=os.environ.get("OCTOGRAPH_ENGINE", "oxigraph")
            if default
            else argparse.SUPPRESS,
            help="SPARQL engine: oxigraph (fast, default) or rdflib (the reference); "
            "env OCTOGRAPH_ENGINE",
        )
    output = _Parser(add_help=False)
    output.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "stats", parents=[common], help="counts of triples, graphs, passages, entities"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "validate",
        parents=[common],
        help="SHACL, quotes at their offsets, declared terms, labels; exit 1 if invalid",
    )
    p.set_defaults(func=cmd_validate)

    from octograph.export import FORMATS  # cheap: pyoxigraph only

    graph = _Parser(add_help=False)
    graph.add_argument("--types", metavar="A,B", help="only these categories, e.g. Threat,Remedy")
    graph.add_argument("--focus", metavar="LABEL|IRI", help="only the neighbourhood of an entity")
    graph.add_argument("--depth", type=int, default=1, help="neighbourhood depth (default 1)")
    graph.add_argument("--message", type=int, metavar="N", help="only what key message N states")
    graph.add_argument("--no-messages", action="store_true", help="leave out key-message nodes")
    graph.add_argument("--passages", action="store_true", help="add a node per passage")

    p = sub.add_parser(
        "export",
        parents=[common, output, graph],
        help="write the graph as RDF, or as GraphML, GEXF or CSV",
    )
    p.add_argument(
        "--format",
        default="turtle",
        choices=[*FORMATS, *GRAPH_FORMAT_NAMES],
        help="turtle (default; the union graph), trig, nt, nquads, jsonld, xml; "
        "graphml, gexf, csv (an edge list with labels) for graph tools",
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "view",
        parents=[common, output, graph],
        help="write the interactive graph view: one self-contained HTML file",
    )
    p.add_argument("--open", action="store_true", help="open the page in a browser")
    p.set_defaults(func=cmd_view)

    p = sub.add_parser("rank", parents=[common], help="the most central entities per category")
    p.add_argument("--types", default="Stakeholder,Threat,Remedy", metavar="A,B")
    p.add_argument("--top", type=int, default=5)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_rank)

    p = sub.add_parser(
        "path",
        parents=[common],
        help="the shortest chain of relations between two entities, with quotes",
    )
    p.add_argument("source", metavar="A", help="label, IRI or CURIE")
    p.add_argument("target", metavar="B", help="label, IRI or CURIE")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_path)

    p = sub.add_parser(
        "query",
        parents=[common, output],
        help="run SPARQL, from the command line, a file, or a named question",
    )
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
    p.add_argument("--limit", type=int, metavar="N", help="show at most N rows")
    p.add_argument("--iris", action="store_true", help="show IRIs instead of labels in tables")
    p.add_argument(
        "--why",
        action="store_true",
        help="add the passages (number and quote) that state each row's relations",
    )
    p.add_argument("--list", action="store_true", help="list the named questions")
    p.add_argument("--describe", metavar="NAME", help="show a named question with its SPARQL")
    p.add_argument(
        "--allow-federation",
        action="store_true",
        help="let SERVICE clauses query other endpoints (off by default)",
    )
    p.set_defaults(func=cmd_query)
    p = sub.add_parser(
        "serve", parents=[common], help="a read-only SPARQL 1.1 endpoint and pages for people"
    )
    p.add_argument(
        "--host",
        default=os.environ.get("OCTOGRAPH_HOST", "127.0.0.1"),
        help="address to bind (default 127.0.0.1; env OCTOGRAPH_HOST)",
    )
    p.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("OCTOGRAPH_PORT", "8000")),
        help="port (default 8000; env OCTOGRAPH_PORT)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="stop a query after S seconds (default 10)",
    )
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
    p.set_defaults(func=cmd_serve)
    return parser


def _version() -> str:
    from octograph import __version__

    return f"octograph {__version__}"


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; errors become one line on stderr and exit status 2."""
    try:
        args = build_parser().parse_args(argv)
        if not getattr(args, "func", None):
            build_parser().print_help()
            raise SystemExit(EXIT_USAGE)
        code = args.func(args)
    except OctographError as e:
        print(f"error: {e}", file=sys.stderr)
        code = EXIT_USAGE
    except BrokenPipeError:
        # `octograph export | head`: the reader left; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)
