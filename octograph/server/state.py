"""What one running server holds: the graph, its limits, the worker pool, caches and its pages.

One ServerState per app (create_app makes it), no module-level state: two apps in one
process share nothing. The handlers (endpoint.py, browse.py, passages.py) read it.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from starlette.exceptions import HTTPException

from octograph.engines.embedded import OxigraphEngine
from octograph.errors import QueryError
from octograph.search import PassageIndex
from octograph.server.answers import Answer, IndexImage, ServerData
from octograph.server.pages import Pages
from octograph.server.pool import WorkerPool
from octograph.server.protocol import QueryShape, inspect_query
from octograph.server.tasks import BUILDER_TASKS, TASKS
from octograph.sparql.questions import named_questions

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = [
    "READ_ONLY",
    "SHAPES_BYTES",
    "Limits",
    "LruCache",
    "ServerState",
    "footprint",
    "in_memory",
]

READ_ONLY = "this endpoint is read-only: SPARQL Update is refused, nothing was changed"
SERVICE_REFUSED = "SERVICE is disabled: this endpoint does not query other endpoints"
INSPECT_HERE = 32_768  # characters of query text lexed in the server process itself
# The forms of queries already inspected, keys (query texts) counted: a fixed few megabytes
# whatever --cache-mb says, so that a server without an answer cache still lexes a repeated
# query once.
SHAPES_BYTES = 4_000_000
# What an entry costs beyond its key and value: the OrderedDict's node and the (value, cost)
# tuple, rounded up.
ENTRY_BYTES = 200

T = TypeVar("T")


class Limits(NamedTuple):
    """What one request may use."""

    timeout: float
    max_rows: int
    max_body: int


def footprint(key: object) -> int:
    """The bytes a cache key holds: strings and bytes by their size, tuples by their parts.

    >>> footprint("x" * 1000) > 1000
    True
    """
    if isinstance(key, tuple):
        return sys.getsizeof(key) + sum(footprint(part) for part in key)
    return sys.getsizeof(key)


class LruCache(Generic[T]):
    """A least-recently-used map that holds at most *budget* bytes, keys counted.

    A query text is the key: a megabyte of it costs a megabyte, however small its answer.

    >>> cache: LruCache[str] = LruCache(4000)
    >>> cache.put("a", "A", 2); cache.put("b", "B", 3); cache.get("a")
    'A'
    >>> cache.put("big", "!", 600)  # over an eighth of the budget: not kept
    >>> cache.get("big") is None, len(cache)
    (True, 2)
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self._items: OrderedDict[Hashable, tuple[T, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> T | None:
        """The value kept for *key*, now the most recently used; None if not kept."""
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: Hashable, value: T, cost: int) -> None:
        """Keep *value* (of *cost* bytes) for *key*, pushing out the least recently used."""
        cost += footprint(key) + ENTRY_BYTES
        if cost > self.budget // 8:
            return  # one big answer would push out many small ones
        old = self._items.pop(key, None)
        if old is not None:
            self.used -= old[1]
        self._items[key] = (value, cost)
        self.used += cost
        while self.used > self.budget:
            _, (_, freed) = self._items.popitem(last=False)
            self.used -= freed


def in_memory(kg: KnowledgeGraph) -> KnowledgeGraph:
    """*kg* if Oxigraph answers it from memory, else a copy of its store that does.

    The workers are forks that may open no file: a store on disk (RocksDB keeps files open
    and opens more) or rdflib's engine (it loads plugins from files) cannot work there, and
    a remote store's queries would leave the machine. Its snapshot is copied instead.
    """
    if isinstance(kg.engine, OxigraphEngine) and kg.engine.in_memory:
        return kg
    from octograph.graph.load import KnowledgeGraph

    return KnowledgeGraph(OxigraphEngine.from_quads(kg.engine.quads()), kg.files)


class ServerState:
    """The graph served, its limits, the workers that answer, and what is kept between requests."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        limits: Limits,
        workers: int,
        cache_bytes: int,
        worker_bytes: int | None = None,
    ) -> None:
        # Before the copy into memory: a persistent store keeps its index beside it.
        index = PassageIndex.for_graph(kg)
        search = IndexImage(index.image())
        index.close()  # no connection is left open here to cross the fork
        kg = in_memory(kg)
        self.kg = kg
        self.limits = limits
        self.questions = named_questions()
        self.graph_names = kg.graph_names()
        self._data = ServerData(kg, self.questions, search)
        self._worker_bytes = worker_bytes
        self.pool = WorkerPool(self._data, TASKS, size=workers, memory=worker_bytes)
        # The graph does not change while it is served, so an answer once computed stays
        # right: the same request (query, graphs, format) is answered from memory.
        self.answers: LruCache[Answer] = LruCache(cache_bytes)
        self.shapes: LruCache[QueryShape] = LruCache(SHAPES_BYTES)
        self.pages = Pages()
        self.stylesheet = self.pages.stylesheet()

    async def run(self, task: str, *args: Any) -> Any:
        """The result of *task* (see tasks.TASKS) run by a worker within the time limit."""
        return await self.pool.run(task, *args, timeout=self.limits.timeout)

    async def build(self, task: str, *args: Any) -> Any:
        """The result of *task* (see tasks.BUILDER_TASKS), built by a process of its own.

        Like a query, under the time limit and the memory limit of a worker, and off the event
        loop: building the view of a large store would hold every other request meanwhile.
        The process is forked for this one task and ends with it.
        """
        builder = WorkerPool(
            self._data, BUILDER_TASKS, size=1, confine=False, memory=self._worker_bytes
        )
        await builder.start()
        try:
            return await builder.run(task, *args, timeout=self.limits.timeout)
        finally:
            await builder.close()

    async def shape(self, text: str) -> QueryShape:
        """The query's form, once it is known to be a query this server runs.

        Raises:
            HTTPException: 403, the text is an update.
            QueryError: it uses SERVICE.
        """
        shape = await self.inspect(text)
        if shape.update_word:
            raise HTTPException(403, f"{READ_ONLY} ({shape.update_word.upper()})")
        if shape.service:
            raise QueryError(SERVICE_REFUSED)
        return shape

    async def inspect(self, text: str) -> QueryShape:
        """The query's form and keywords: lexed here when short, by a worker when long.

        Lexing costs a few microseconds a token; a body of a megabyte would hold the event
        loop, and every other request, for a second.
        """
        shape = self.shapes.get(text)
        if shape is None:
            if len(text) <= INSPECT_HERE:
                shape = inspect_query(text)
            else:
                shape = await self.run("inspect", text)
            self.shapes.put(text, shape, ENTRY_BYTES)
        return shape
