"""The tasks the server's workers run, by name: what a request may ask a worker to compute.

The pool (pool.py) forks its workers with this table; each entry takes the ServerData the
workers hold, then the arguments the handler sends, and returns a picklable value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from octograph.server import answers, page_data, tables

__all__ = ["BUILDER_TASKS", "TASKS", "graph_page"]

TASKS: Mapping[str, Callable[..., Any]] = {
    "answer": answers.answer,
    "inspect": answers.inspect,
    "search": answers.search,
    "table": tables.table,
    "download": tables.download,
    "entity_page": page_data.entity_page,
    "entity_rdf": page_data.entity_rdf,
    "overview": page_data.overview,
}


def graph_page(data: answers.ServerData, prefix: str) -> str:
    """The graph view of the whole graph as the CLI writes it, under the site's navigation
    bar (its links relative to *prefix*, where the app is mounted): the page /graph."""
    from octograph.server.pages import NAV
    from octograph.view.page import build_view, page_title

    nav = [(f"{prefix}{path}", label, path == "/graph") for path, label, _ in NAV]
    graph = data.kg.to_networkx()
    view = build_view(graph, title=page_title(graph, data.kg.files))
    return view.to_html(nav=nav)


# Run by a worker that may read files (the view's own .js and .css), which the query
# workers may not: it takes no input from the request, so it runs no one's query.
BUILDER_TASKS: Mapping[str, Callable[..., Any]] = {"graph_page": graph_page}
