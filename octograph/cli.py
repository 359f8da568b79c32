"""The ``octograph`` command: thin sub-commands over the Python API.

argparse rather than click: the query path must start in a blink (click alone costs ~80 ms
here, more than the whole query), and argparse is already in the standard library.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from octograph.errors import OctographError, QueryError
from octograph.graph.preload import GRAPH_COMMANDS, command_in

# Not typing.TYPE_CHECKING: importing typing costs ~5 ms of the start (mypy treats any name
# TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from octograph.engines.http import RemoteOptions
    from octograph.graph.load import KnowledgeGraph
    from octograph.sparql.results import Results

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
GRAPH_FORMAT_NAMES = ("graphml", "gexf", "csv")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise OctographError(f"{self.prog}: {message}")


def _kg(args: argparse.Namespace) -> KnowledgeGraph:
    from octograph.graph.load import load

    store = getattr(args, "store", "oxigraph")
    remote = _remote_options() if store.startswith("sparql:") else None
    return load(args.data or None, engine=args.engine, store=store, remote=remote)


def _remote_options() -> RemoteOptions:
    """Credentials and endpoints of a SPARQL server, from the environment (read here only)."""
    from octograph.engines.http import RemoteOptions

    env = os.environ
    return RemoteOptions(
        user=env.get("OCTOGRAPH_SPARQL_USER") or None,
        password=env.get("OCTOGRAPH_SPARQL_PASSWORD"),
        update_url=env.get("OCTOGRAPH_SPARQL_UPDATE") or None,
        graph_store_url=env.get("OCTOGRAPH_SPARQL_GRAPH_STORE") or None,
    )


class _Progress:
    """Progress of a long load on stderr: a line each tenth of the way, for big inputs only."""

    def __init__(self, what: str, threshold: int = 50_000) -> None:
        self.what, self.threshold, self.shown = what, threshold, -1

    def __call__(self, graphs: int, total_graphs: int, done: int, total: int) -> None:
        if total < self.threshold:
            return
        tenth = done * 10 // max(total, 1)
        if tenth > self.shown:
            self.shown = tenth
            print(
                f"{self.what}: {graphs}/{total_graphs} graphs, {done}/{total} triples",
                file=sys.stderr,
                flush=True,
            )


def _print_json(data: object) -> None:
    import json  # here, not at the top: only the --format json paths need it

    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _write(args: argparse.Namespace, data: bytes) -> None:
    if args.output:
        from octograph.output import write_atomic

        write_atomic(args.output, data)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


# ---------------------------------------------------------------- commands


def cmd_stats(args: argparse.Namespace) -> int:
    stats = _kg(args).stats()
    if args.format == "json":
        _print_json(stats)
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
    from octograph import formats

    fmt = formats.find(args.format, "rdf", "tools")
    if fmt.kind == "tools":
        from octograph.view.network import GRAPH_FORMATS

        graph = _kg(args).to_networkx(**_graph_options(args))
        _write(args, GRAPH_FORMATS[fmt.name](graph))
        return EXIT_OK
    from octograph.graph.export import serialize

    _write(args, serialize(_kg(args), fmt.name))
    return EXIT_OK


def _graph_options(args: argparse.Namespace) -> dict[str, object]:
    return {
        "categories": args.types.split(",") if getattr(args, "types", None) else None,
        "focus": getattr(args, "focus", None),
        "depth": getattr(args, "depth", 1),
        "message": getattr(args, "message", None),
        "messages": not getattr(args, "no_messages", False),
        "passages": getattr(args, "passages", False),
        "lang": getattr(args, "lang", "en"),
        "taxonomy": getattr(args, "taxonomy", False),
    }


def _node(kg: KnowledgeGraph, graph: object, name: str) -> str:
    from octograph.errors import NotFoundError
    from octograph.graph.querying import resolve_param

    term = resolve_param(kg, name)
    if term.value not in graph:  # type: ignore[operator]
        raise NotFoundError(f"{name!r} is not an entity of the graph")
    return term.value


def cmd_view(args: argparse.Namespace) -> int:
    from octograph.errors import NotFoundError
    from octograph.view.page import build_view

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
    from octograph.view.network import rank

    graph = _kg(args).to_networkx(messages=False)
    table = rank(graph, args.types.split(","), top=args.top)
    if args.format == "json":
        _print_json(table)
        return EXIT_OK
    for category, rows in table.items():
        print(f"{category}:")
        for row in rows:
            print(f"  {row['degree']:>3}  {row['betweenness']:.3f}  {row['label']}")
    return EXIT_OK


def cmd_path(args: argparse.Namespace) -> int:
    from octograph.view.network import shortest_path

    kg = _kg(args)
    # Key messages would be shortcuts between any two things one message names: leave them out.
    graph = kg.to_networkx(messages=False)
    steps = shortest_path(graph, _node(kg, graph, args.source), _node(kg, graph, args.target))
    if args.format == "json":
        _print_json(steps)
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
    from octograph.graph import querying as q
    from octograph.sparql import questions

    if args.list:
        for question in questions.named_questions().values():
            shown = " ".join(
                f"{p.name}={p.default!r}" if p.default else p.name for p in question.params
            )
            print(f"{question.name:<28} {question.title}" + (f"  [{shown}]" if shown else ""))
        return EXIT_OK
    if args.describe:
        question = questions.get_question(args.describe)
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
    elif questions.looks_like_name(args.query):
        named, text = args.query, ""
    else:
        named, text = None, args.query
    bindings = _params(args.param)
    # Before the graph is ready, not after: while the data are parsed in a thread
    # (preload.py), the question and the result formats are read for nothing.
    if named:
        questions.get_question(named)
    from octograph.sparql.writers import render

    kg = _kg(args)
    options: dict[str, Any] = {
        "limit": args.limit,
        "allow_federation": args.allow_federation,
        "lang": args.lang,
    }

    def answer() -> Results:
        if named:
            results = q.run_named(kg, named, bindings, **options)
        else:
            results = q.run(kg, text, bindings, **options)
        if args.why:
            sparql = questions.get_question(named).sparql if named else text
            results = q.add_why(kg, results, sparql)
        return results

    results = _stoppable(answer, args.timeout)
    if results.kind == "graph":
        from octograph.graph.export import serialize_triples

        _write(args, serialize_triples(results.triples, args.format or "turtle"))
        return EXIT_OK
    fmt = args.format or ("table" if sys.stdout.isatty() else "csv")
    _write(args, render(results, fmt, iris=args.iris).encode("utf-8"))
    if results.kind == "ask":
        return EXIT_OK if results.boolean else EXIT_FAILED
    return EXIT_OK


def _stoppable(answer: Callable[[], Results], timeout: float | None) -> Results:
    """*answer*() in a thread, so that Ctrl-C and *timeout* (seconds) can stop it.

    Oxigraph evaluates without the GIL but never returns to Python until it is done: run on
    the main thread, a runaway query would ignore Ctrl-C. Stopped, it is left to end with the
    process (the command line ends with os._exit).

    Raises:
        QueryError: the answer took longer than *timeout*.
    """
    # _thread, not threading: importing threading costs ~1.7 ms of the start.
    import _thread

    outcome: list[Results | BaseException] = []
    done = _thread.allocate_lock()
    done.acquire()

    def target() -> None:
        try:
            outcome.append(answer())
        except BaseException as e:  # handed to the main thread, which raises it
            if isinstance(e, OctographError):
                # Printed as one line: the tracebacks go, and with them the frames that hold
                # Oxigraph's results, which must be freed on the thread that made them.
                cause: BaseException | None = e
                while cause is not None:
                    cause.__traceback__ = None
                    cause = cause.__cause__ or cause.__context__
            outcome.append(e)
        finally:
            done.release()

    _thread.start_new_thread(target, ())
    # The wait is interrupted by a signal: Ctrl-C raises KeyboardInterrupt here (exit 130).
    if not done.acquire(timeout=-1 if timeout is None else timeout):
        raise QueryError(f"stopped after {timeout:g} s (--timeout); nothing was written")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def cmd_push(args: argparse.Namespace) -> int:
    """Load the data into a persistent store, or push it to a SPARQL server, and verify it."""
    from octograph.engines.spec import parse_spec

    spec = parse_spec(args.store)
    if spec.kind == "sparql":
        from octograph.engines.http import SparqlStore
        from octograph.graph.load import load
        from octograph.push import push

        remote = SparqlStore(spec.url or "", _remote_options())
        kg = load(args.data or None)
        report = push(kg, remote, batch=args.batch, progress=_Progress("push"))
        remote.close()
    elif spec.path is not None:
        import time

        from octograph.engines.embedded import OxigraphEngine
        from octograph.engines.ondisk import open_persistent
        from octograph.graph.load import KnowledgeGraph, bundled_data, bundled_ontology, data_files
        from octograph.graph.querying import select
        from octograph.push import PushReport

        started = time.perf_counter()
        files = data_files([Path(p) for p in args.data] if args.data else [bundled_data()])

        def progress(done: int, total: int) -> None:
            if total >= 200 and done % max(total // 10, 1) == 0:
                print(f"load: {done}/{total} files", file=sys.stderr, flush=True)

        store, own, _ = open_persistent(
            spec.path, files, bundled_ontology(), rebuild=args.force, progress=progress
        )
        kg = KnowledgeGraph(OxigraphEngine(store, own, location=str(spec)), files=files)
        union = next(iter(select(kg, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"]
        report = PushReport(
            len(kg.graph_names()),
            len(kg),
            int(union.value) if union is not None else 0,
            time.perf_counter() - started,
        )
    else:
        raise OctographError(
            f"{spec}: push and load take --store sparql:URL or --store oxigraph:PATH"
        )
    print(
        f"{spec}: {report.graphs} graphs, {report.quads} quads, {report.union} triples in the "
        f"union, verified ({report.seconds:.1f} s)"
    )
    return EXIT_OK


def cmd_taxonomy_import(args: argparse.Namespace) -> int:
    from octograph.authoring.taxonomy import convert

    _write(args, convert(args.file))
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    from octograph.docs import write_docs

    for path in write_docs(_kg(args), args.output):
        print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    from octograph.authoring.synth import synthesize

    summary = synthesize(args.output, reports=args.reports, seed=args.seed)
    print(
        f"wrote {args.output}: {summary['reports']} reports, {summary['passages']} passages, "
        f"{summary['shared_entities']} shared entities",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from octograph.server.app import serve  # Starlette and uvicorn load only for this command

    serve(
        _kg(args),
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_body=args.max_body,
        cors=args.cors,
        workers=args.workers,
        root_path=args.root_path,
        cache_bytes=args.cache_mb * 1024 * 1024,
    )
    return EXIT_OK


def cmd_draft(args: argparse.Namespace) -> int:
    from octograph.authoring.draft import make_draft, read_text, write_draft
    from octograph.errors import OutputError
    from octograph.namespaces import ID

    text = read_text(Path(args.report))
    kg = _kg(args)
    if not args.force and kg.query(f"ASK {{ <{ID}{args.id}> a octo:Report }}").boolean:
        raise OutputError(f"a report with id {args.id!r} exists already (use --force)")
    draft = make_draft(text, args.id, kg)
    target = Path(args.output or args.id)
    write_draft(draft, target, force=args.force)
    found = sum(len(m) for m in draft.mentions.values())
    print(
        f"{target}: {len(draft.passages)} passages, {len(set(draft.messages.values()))} key "
        f"messages, {found} mentions of known entities; next: octograph --data {target} validate"
    )
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from octograph.search import MARK_END, MARK_START, PassageIndex

    hits = PassageIndex.for_graph(_kg(args)).search(" ".join(args.text), limit=args.limit)
    if args.format == "json":
        _print_json([h.as_dict() for h in hits])
        return EXIT_OK
    bold, plain = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("[", "]")
    for hit in hits:
        where = f"message {hit.message}, " if hit.message else ""
        print(f"¶{hit.number} ({where}{hit.report.rsplit('/', 1)[-1]})  {hit.passage}")
        print("   " + hit.snippet.replace(MARK_START, bold).replace(MARK_END, plain))
        if hit.entities:
            print("   states: " + "; ".join(label for _, label in hit.entities))
    print(f"{len(hits)} passage{'s' if len(hits) != 1 else ''}")
    return EXIT_OK if hits else EXIT_FAILED


def cmd_diff(args: argparse.Namespace) -> int:
    from octograph.diff import diff_reports

    diff = diff_reports(_kg(args), args.a, args.b)
    if args.format == "json":
        _print_json(diff.as_dict())
    else:
        print(diff.text(), end="")
    return EXIT_OK


# ---------------------------------------------------------------- parser
#
# Each command adds its own arguments in a function of its own, and the parser is built for
# the command on the command line only: building all seventeen costs ~30 ms (argparse makes a
# parser, a formatter and several gettext look-ups per command), a third of a query's start.
# Without a known command (`octograph --help`, a typo), every command is built.


def _add_global_options(target: argparse.ArgumentParser, *, top: bool) -> None:
    # The sub-commands' copies default to SUPPRESS so that they do not overwrite what was
    # given before the command.
    target.add_argument(
        "--data",
        action="append",
        metavar="PATH",
        default=[] if top else argparse.SUPPRESS,
        help="an RDF file or folder to load instead of the bundled report (repeatable)",
    )
    target.add_argument(
        "--store",
        metavar="SPEC",
        default=(os.environ.get("OCTOGRAPH_STORE") or "oxigraph") if top else argparse.SUPPRESS,
        help="where the graph lives: oxigraph (in memory, default), oxigraph:PATH (on disk, "
        "rebuilt when the data change), memory (rdflib), sparql:URL (a SPARQL 1.1 server; "
        "credentials in OCTOGRAPH_SPARQL_USER and OCTOGRAPH_SPARQL_PASSWORD); "
        "env OCTOGRAPH_STORE",
    )
    target.add_argument(
        "--lang",
        default=(os.environ.get("OCTOGRAPH_LANG") or "en") if top else argparse.SUPPRESS,
        help="language of labels in tables and the view, where the graph has them "
        "(default en, else English); env OCTOGRAPH_LANG",
    )
    target.add_argument(
        "--engine",
        choices=("oxigraph", "rdflib"),
        default=os.environ.get("OCTOGRAPH_ENGINE", "oxigraph") if top else argparse.SUPPRESS,
        help="SPARQL engine: oxigraph (fast, default) or rdflib (the reference); "
        "env OCTOGRAPH_ENGINE",
    )


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output",
    )


def _add_text_or_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text")


def _add_selection(p: argparse.ArgumentParser) -> None:
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


def _args_stats(p: argparse.ArgumentParser) -> None:
    _add_text_or_json(p)
    p.set_defaults(func=cmd_stats)


def _args_validate(p: argparse.ArgumentParser) -> None:
    p.set_defaults(func=cmd_validate)


def _args_export(p: argparse.ArgumentParser) -> None:
    _add_output(p)
    _add_selection(p)
    p.add_argument(
        "--format",
        default="turtle",
        help="turtle (default; the union graph), trig, nt, nquads, jsonld, xml; "
        "graphml, gexf, csv (an edge list with labels) for graph tools",
    )
    p.set_defaults(func=cmd_export)


def _args_view(p: argparse.ArgumentParser) -> None:
    _add_output(p)
    _add_selection(p)
    p.add_argument("--open", action="store_true", help="open the page in a browser")
    p.set_defaults(func=cmd_view)


def _args_rank(p: argparse.ArgumentParser) -> None:
    p.add_argument("--types", default="Stakeholder,Threat,Remedy", metavar="A,B")
    p.add_argument("--top", type=int, default=5)
    _add_text_or_json(p)
    p.set_defaults(func=cmd_rank)


def _args_path(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="A", help="label, IRI or CURIE")
    p.add_argument("target", metavar="B", help="label, IRI or CURIE")
    _add_text_or_json(p)
    p.set_defaults(func=cmd_path)


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


def _args_query(p: argparse.ArgumentParser) -> None:
    _add_output(p)
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
        "--timeout",
        type=_positive_seconds,
        metavar="S",
        help="stop the query after S seconds (default: no limit; Ctrl-C stops it too)",
    )
    p.add_argument(
        "--allow-federation",
        action="store_true",
        help="let SERVICE clauses query other endpoints (off by default)",
    )
    p.set_defaults(func=cmd_query)


def _args_draft(p: argparse.ArgumentParser) -> None:
    p.add_argument("report", metavar="REPORT.txt", help="the report as UTF-8 plain text")
    p.add_argument("--id", required=True, help="the report's id, e.g. octopus-2021")
    p.add_argument("-o", "--output", metavar="DIR", help="the folder to write (default: ./ID)")
    p.add_argument("--force", action="store_true", help="replace an existing folder or id")
    p.set_defaults(func=cmd_draft)


def _args_search(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="+", help='words (all must match), "a phrase", prefix*')
    p.add_argument("--limit", type=int, default=20, help="at most this many passages")
    _add_text_or_json(p)
    p.set_defaults(func=cmd_search)


def _args_diff(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="REPORT_A", help="report id, IRI, CURIE or label")
    p.add_argument("b", metavar="REPORT_B", help="report id, IRI, CURIE or label")
    _add_text_or_json(p)
    p.set_defaults(func=cmd_diff)


def _args_serve(p: argparse.ArgumentParser) -> None:
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
        type=_positive_seconds,
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
    p.add_argument(
        "--root-path",
        default=os.environ.get("OCTOGRAPH_ROOT_PATH", ""),
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
    p.set_defaults(func=cmd_serve)


def _args_push(p: argparse.ArgumentParser) -> None:
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
    p.set_defaults(func=cmd_push)


def _args_taxonomy(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser(
        "import",
        help="convert a MISP taxonomy (machinetag.json) to a SKOS concept scheme (TriG)",
    )
    _add_output(p)
    p.add_argument("file", metavar="FILE", help="the MISP machinetag.json file")
    p.set_defaults(func=cmd_taxonomy_import)


def _args_docs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="DIR",
        help="the folder (it must exist) to write index.html and model.svg into",
    )
    p.set_defaults(func=cmd_docs)


def _args_synth(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reports", type=int, default=100, metavar="N", help="how many (default 100)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write")
    p.set_defaults(func=cmd_synth)


# name -> (help, a function that adds its arguments); the commands in GRAPH_COMMANDS load the
# graph, and take the global options too.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line parser: for *command* only, or for every command when None."""
    parser = _Parser(
        prog="octograph",
        description="A policy report as an RDF knowledge graph: query, validate, export.",
    )
    parser.add_argument("--version", action="version", version=_version())
    _add_global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (text, add_arguments) in COMMANDS.items():
        if command is not None and name != command:
            continue
        p = sub.add_parser(name, help=text)
        if name in GRAPH_COMMANDS:
            _add_global_options(p, top=False)
        add_arguments(p)
    return parser


def _version() -> str:
    from octograph import __version__

    return f"octograph {__version__}"


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; errors become one line on stderr and exit status 2."""
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        command = command_in(argv)
        args = build_parser(command if command in COMMANDS else None).parse_args(argv)
        if not getattr(args, "func", None):
            build_parser().print_help()
            raise SystemExit(EXIT_USAGE)
        code = args.func(args)
    except OctographError as e:
        from octograph.engines.spec import redact  # a URL in a message never shows its password

        print(f"error: {redact(str(e))}", file=sys.stderr)
        code = EXIT_USAGE
    except BrokenPipeError:
        # `octograph export | head`: the reader left; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)
