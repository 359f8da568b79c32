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
from octograph.load import KnowledgeGraph, load
from octograph.query import Results

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
