"""The tasks the server's workers run, by name: what a request may ask a worker to compute.

The pool (pool.py) forks its workers with this table; each entry takes the ServerData the
workers hold, then the arguments the handler sends, and returns a picklable value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from octograph.server import answers, page_data, tables

__all__ = ["TASKS"]

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
