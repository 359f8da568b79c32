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

# Not typing.TYPE_CHECKING: importing typing costs ~5 ms of the command's start (mypy treats
# any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from octograph.sparql.query import Results

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
    "load",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # Results on first use: the query module costs the command line's start ~10 ms before it
    # can begin parsing the data (see preload.py).
    if name == "Results":
        from octograph.sparql.query import Results

        return Results
    raise AttributeError(f"module 'octograph' has no attribute {name!r}")
