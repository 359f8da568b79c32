"""octograph: a policy report as an RDF knowledge graph, traceable to the sentences that state it.

>>> import octograph
>>> kg = octograph.load()
>>> kg.query("SELECT ?m WHERE { ?m a octo:KeyMessage }").__len__()
9
"""

from __future__ import annotations

from octograph.errors import (
    InputError,
    NotFoundError,
    OctographError,
    OutputError,
    QueryError,
    StoreError,
)
from octograph.graph.load import KnowledgeGraph, load

__all__ = [
    "InputError",
    "KnowledgeGraph",
    "NotFoundError",
    "OctographError",
    "OutputError",
    "QueryError",
    "Results",
    "StoreError",
    "__version__",
    "add_why",
    "build_view",
    "load",
    "named_questions",
    "rank",
    "shortest_path",
    "to_graphml",
]

__version__ = "0.1.0"

# The rest of the public API, imported on first use: the command line's start would otherwise
# pay for modules (networkx, the view) that a query never needs (see graph/preload.py).
_LAZY = {
    "Results": "octograph.sparql.results",
    "add_why": "octograph.graph.querying",
    "named_questions": "octograph.sparql.questions",
    "rank": "octograph.view.network",
    "shortest_path": "octograph.view.network",
    "to_graphml": "octograph.view.network",
    "build_view": "octograph.view.page",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'octograph' has no attribute {name!r}")
