"""HTTP: a read-only SPARQL 1.1 Protocol endpoint and pages for people, over one knowledge graph.

Routes (all read-only):

- ``/sparql`` — SPARQL 1.1 Protocol (endpoint.py).
- ``/`` overview, ``/query`` query page, ``/graph`` interactive view, ``/id/...`` entities
  (HTML for browsers, RDF for tools) (browse.py); ``/search?q=`` passages by words, HTML or
  JSON (passages.py).

Queries run in forked worker processes (pool.py, tasks.py) that are killed at the time
limit; the handlers only read requests, negotiate, and turn errors into statuses.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route
from starlette.types import ASGIApp

from octograph.errors import OctographError
from octograph.server.browse import Site
from octograph.server.downloads import TRUNCATED_HEADER
from octograph.server.endpoint import Endpoint
from octograph.server.headers import SecurityHeaders
from octograph.server.passages import Search
from octograph.server.responses import ErrorResponses
from octograph.server.state import Limits, ServerState

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["WORKER_MB", "background", "bind", "create_app", "serve"]

# What a query worker may allocate beyond the server's own memory, by default: enough for
# any question of the bundled reports many times over, not enough to take a laptop's memory.
WORKER_MB = 1024


def check_limits(**limits: float) -> None:
    """Refuse a limit that is not a positive finite number, naming its command-line flag.

    >>> check_limits(timeout=float("nan"))
    Traceback (most recent call last):
    octograph.errors.OctographError: --timeout must be a positive finite number, not nan
    """
    for name, value in limits.items():
        if not 0 < value < float("inf"):  # not NaN either
            flag = f"--{name.replace('_', '-')}"
            raise OctographError(f"{flag} must be a positive finite number, not {value}")


class _App(Starlette):
    """Starlette with the security headers outside everything, its own 500 page included.

    As a middleware in the list they would sit inside ServerErrorMiddleware, and the answer
    to an unexpected error would go out without them.
    """

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def routes(state: ServerState) -> list[Route]:
    """The app's routes, each handled by the module of its concern."""
    site = Site(state)
    endpoint = Endpoint(state, site)
    return [
        Route("/", site.overview, name="overview"),
        Route("/sparql", endpoint.sparql, methods=["GET", "POST"], name="sparql"),
        Route("/query", site.query_page, name="query"),
        Route("/graph", site.graph, name="graph"),
        Route("/search", Search(state).search, name="search"),
        Route("/id/{path:path}", site.entity, name="entity"),
        Route("/octograph.css", site.stylesheet, name="stylesheet"),
    ]


def cors_middleware(origin: str | None) -> list[Middleware]:
    """The CORS headers that let pages from *origin* (``*``: any) call; None: no CORS."""
    if not origin:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=[origin],
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=[TRUNCATED_HEADER],
        )
    ]


def create_app(
    kg: KnowledgeGraph,
    *,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    max_body: int = 1_000_000,
    cors: str | None = None,
    workers: int = 2,
    cache_bytes: int = 64_000_000,
    worker_mb: float = WORKER_MB,
) -> Starlette:
    """The HTTP application over *kg*; its workers fork when the app starts (lifespan).

    Args:
        timeout: seconds a query may run before its worker is killed (504).
        max_rows: rows (or triples) an answer holds at most; a cut answer says so in the
            ``Octograph-Truncated`` header.
        max_body: bytes a request body may hold (413 beyond).
        cors: the origin allowed to call from browsers (``*`` for any); None: no CORS headers.
        workers: query worker processes.
        cache_bytes: memory for answers kept to repeat (0: none); the graph does not change
            while served, so a repeated request gets the same answer without running again.
        worker_mb: megabytes a query worker may allocate beyond the server's own; a query
            that needs more ends its worker and is answered 503.

    Raises:
        OctographError: a limit is not a positive finite number.
    """
    check_limits(
        timeout=timeout, max_rows=max_rows, max_body=max_body, workers=workers, worker_mb=worker_mb
    )
    if cache_bytes < 0:
        raise OctographError(f"the answer cache cannot be negative ({cache_bytes} bytes)")
    limits = Limits(timeout, max_rows, max_body)
    state = ServerState(kg, limits, workers, cache_bytes, int(worker_mb * 1024 * 1024))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await state.pool.start()
        try:
            yield
        finally:
            await state.pool.close()

    errors = ErrorResponses(state.pages)
    app = _App(
        routes=routes(state),
        middleware=cors_middleware(cors),
        exception_handlers={
            HTTPException: errors.on_http_error,
            OctographError: errors.on_library_error,
        },
        lifespan=lifespan,
    )
    app.state.server = state
    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on *host*:*port*.

    Raises:
        OctographError: the address cannot be bound (in use, not this machine's...).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        # The protocol number matters: asyncio sets TCP_NODELAY only on sockets that say
        # IPPROTO_TCP, and without it every keep-alive answer waits ~40 ms for an ACK.
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as e:
        raise OctographError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    sock.set_inheritable(True)
    return sock


def serve(
    kg: KnowledgeGraph,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    max_body: int = 1_000_000,
    cors: str | None = None,
    workers: int = 2,
    cache_bytes: int = 64_000_000,
    root_path: str = "",
    worker_mb: float = WORKER_MB,
) -> None:
    """Serve *kg* over HTTP until interrupted (see create_app for the limits).

    *root_path* is the path prefix a reverse proxy serves it under (``/octograph``), which
    the proxy strips before passing requests on; links in pages carry it.

    Raises:
        OctographError: a limit is not positive, or the address cannot be bound.
    """
    import uvicorn

    app = create_app(
        kg,
        timeout=timeout,
        max_rows=max_rows,
        max_body=max_body,
        cors=cors,
        workers=workers,
        cache_bytes=cache_bytes,
        worker_mb=worker_mb,
    )
    sock = bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    print(
        f"octograph: serving {len(kg)} quads at http://{shown}:{sock.getsockname()[1]}/ "
        f"(SPARQL endpoint /sparql; {workers} workers, {timeout:g} s per query)",
        file=sys.stderr,
    )
    if host not in {"127.0.0.1", "localhost", "::1"}:
        print(
            f"octograph: listening on {host}: anyone who can reach this address can query",
            file=sys.stderr,
        )
    config = uvicorn.Config(
        app, log_level="info", proxy_headers=True, server_header=False, root_path=root_path
    )
    uvicorn.Server(config).run(sockets=[sock])


@contextlib.contextmanager
def background(
    app: Starlette, host: str = "127.0.0.1", port: int = 0, root_path: str = ""
) -> Iterator[str]:
    """Serve *app* from a thread while the block runs; yields its base URL (no slash at the end).

    For notebooks and tests: port 0 takes a free port.

    Raises:
        OctographError: the address cannot be bound, or the app does not start.
    """
    import uvicorn

    sock = bind(host, port)
    config = uvicorn.Config(
        app, log_level="warning", lifespan="on", proxy_headers=False, root_path=root_path
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="octograph-server", daemon=True
    )
    thread.start()
    while not server.started:
        if not thread.is_alive():
            sock.close()
            raise OctographError(f"the server on {host}:{port} did not start")
        thread.join(0.01)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    try:
        yield f"http://{shown}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
