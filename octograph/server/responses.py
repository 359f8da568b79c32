"""How the server answers: library errors as HTTP statuses, pages with their headers, error pages.

Only the server knows HTTP: the library raises OctographError subclasses, and STATUS turns
each into the status a client sees.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from octograph.errors import NotFoundError, OctographError, QueryError, StoreError
from octograph.server.pages import CSP, Pages
from octograph.server.params import root, with_charset
from octograph.server.pool import BusyError, QueryTimeoutError, WorkerLostError
from octograph.server.protocol import HTML_TYPES, negotiate

__all__ = ["STATUS", "ErrorResponses", "page_response", "status_for"]

# Library errors -> HTTP statuses, most specific first.
STATUS: tuple[tuple[type[OctographError], int], ...] = (
    (QueryTimeoutError, 504),  # the query ran past the time limit and was stopped
    (BusyError, 503),  # no worker became free within the time limit: retry later
    (WorkerLostError, 503),  # the worker died under the query (out of memory?)
    (StoreError, 503),
    (NotFoundError, 404),
    (QueryError, 400),
    (OctographError, 400),
)


def status_for(error: OctographError) -> int:
    """The HTTP status that answers *error*.

    >>> status_for(NotFoundError("no such entity"))
    404
    """
    return next(status for cls, status in STATUS if isinstance(error, cls))


def page_response(
    body: str, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """A page for people, with the policy that lets it load nothing but the server's own."""
    sent = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", **(headers or {})}
    return Response(body, status, sent, media_type=with_charset("text/html"))


class ErrorResponses:
    """The app's exception handlers: an error as plain text, or as a page for a browser."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages

    def error(
        self,
        request: Request,
        status: int,
        message: str,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """*message* with *status*: a page if the client prefers HTML, except at /sparql."""
        wants = negotiate(request.headers.get("accept"), ["text/plain", *HTML_TYPES])
        if wants in HTML_TYPES and not request.url.path.startswith(f"{root(request)}/sparql"):
            return page_response(self.pages.error(status, message, root(request)), status, headers)
        return PlainTextResponse(message + "\n", status, headers)

    async def on_http_error(self, request: Request, exc: Exception) -> Response:
        """A client's mistake, raised as HTTPException by a handler."""
        assert isinstance(exc, HTTPException)
        return self.error(request, exc.status_code, exc.detail, exc.headers)

    async def on_library_error(self, request: Request, exc: Exception) -> Response:
        """An OctographError that reached the app: its status and its one-line message."""
        assert isinstance(exc, OctographError)
        headers = {"Retry-After": "1"} if isinstance(exc, BusyError) else None
        return self.error(request, status_for(exc), str(exc), headers)
