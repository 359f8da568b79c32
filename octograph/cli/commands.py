"""The commands' edges: each turns its parsed options into one call of a plain function.

A command takes the parsed arguments and the run's Config, and returns the exit status.
The bodies live in actions.py, query.py and push.py, and load nothing until called.
"""

from __future__ import annotations

# typing.TYPE_CHECKING without importing typing (mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace
    from typing import Any

    from octograph.cli.config import Config
    from octograph.engines.http import RemoteOptions
    from octograph.graph.load import KnowledgeGraph

__all__ = [
    "cmd_diff",
    "cmd_docs",
    "cmd_draft",
    "cmd_export",
    "cmd_path",
    "cmd_push",
    "cmd_query",
    "cmd_rank",
    "cmd_search",
    "cmd_serve",
    "cmd_stats",
    "cmd_synth",
    "cmd_taxonomy_import",
    "cmd_validate",
    "cmd_view",
]


def _kg(args: Namespace, config: Config) -> KnowledgeGraph:
    from octograph.graph.load import load

    store = getattr(args, "store", "oxigraph")
    remote = _remote_options(config) if store.startswith("sparql:") else None
    return load(args.data or None, engine=args.engine, store=store, remote=remote)


def _remote_options(config: Config) -> RemoteOptions:
    """Credentials and endpoints of a SPARQL server, from the environment (via *config*)."""
    from octograph.engines.http import RemoteOptions

    return RemoteOptions(
        user=config.sparql_user,
        password=config.sparql_password,
        update_url=config.sparql_update,
        graph_store_url=config.sparql_graph_store,
    )


def _selection(args: Namespace) -> dict[str, Any]:
    """The --types, --focus, … options as to_networkx()'s keyword arguments."""
    return {
        "categories": args.types.split(",") if args.types else None,
        "focus": args.focus,
        "depth": args.depth,
        "message": args.message,
        "messages": not args.no_messages,
        "passages": args.passages,
        "lang": args.lang,
        "taxonomy": args.taxonomy,
    }


def cmd_stats(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import stats

    return stats(_kg(args, config), args.format)


def cmd_validate(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import validate

    return validate(_kg(args, config))


def cmd_export(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import export

    return export(_kg(args, config), args.format, args.output, _selection(args))


def cmd_view(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import view

    return view(
        _kg(args, config), _selection(args), args.output, open_page=args.open, layout=args.layout
    )


def cmd_rank(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import rank

    return rank(_kg(args, config), args.types.split(","), args.top, args.format)


def cmd_path(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import path

    return path(_kg(args, config), args.source, args.target, args.format)


def cmd_query(args: Namespace, config: Config) -> int:
    from octograph.cli import query

    if args.list:
        return query.list_questions()
    if args.describe:
        return query.describe_question(args.describe)
    return query.query(
        lambda: _kg(args, config),
        args.query,
        file=args.file,
        params=args.param,
        fmt=args.format,
        output=args.output,
        timeout=args.timeout,
        why=args.why,
        iris=args.iris,
        limit=args.limit,
        allow_federation=args.allow_federation,
        lang=args.lang,
    )


def cmd_push(args: Namespace, config: Config) -> int:
    """Load the data into a persistent store, or push it to a SPARQL server, and verify it."""
    from octograph.cli.push import push_data

    return push_data(
        args.store, args.data, _remote_options(config), batch=args.batch, force=args.force
    )


def cmd_draft(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import draft

    return draft(_kg(args, config), args.report, args.id, args.output, force=args.force)


def cmd_search(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import search

    return search(_kg(args, config), " ".join(args.text), args.limit, args.format)


def cmd_diff(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import diff

    return diff(_kg(args, config), args.a, args.b, args.format)


def cmd_docs(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import docs

    return docs(_kg(args, config), args.output)


def cmd_synth(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import synth

    return synth(args.output, args.reports, args.seed)


def cmd_taxonomy_import(args: Namespace, config: Config) -> int:
    from octograph.cli.actions import taxonomy_import

    return taxonomy_import(args.file, args.output)


def cmd_serve(args: Namespace, config: Config) -> int:
    from octograph.server.app import serve  # Starlette and uvicorn load only for this command

    serve(
        _kg(args, config),
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_body=args.max_body,
        cors=args.cors,
        workers=args.workers,
        root_path=args.root_path,
        cache_bytes=args.cache_mb * 1024 * 1024,
        worker_mb=args.worker_mb,
    )
    return 0
