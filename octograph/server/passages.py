"""``/search?q=``: passages by words, a page for people or a JSON list of hits for scripts."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from octograph.errors import OctographError
from octograph.search import Hit, fts_query
from octograph.server.downloads import TRUNCATED_HEADER
from octograph.server.params import one, query_params, root
from octograph.server.protocol import HTML_TYPES, negotiate
from octograph.server.responses import page_response, status_for
from octograph.server.state import ServerState

__all__ = ["SEARCH_HITS", "SEARCH_MAX_CHARS", "SEARCH_MAX_HITS", "Search"]

SEARCH_MAX_CHARS = 500  # characters in one search: words and phrases, not documents
SEARCH_MAX_HITS = 100  # passages one search may ask for (limit=), within --max-rows
SEARCH_HITS = 20  # passages a search gives unless it asks for fewer or more
JSON = "application/json"


class Search:
    """The ``/search`` route of one app."""

    def __init__(self, state: ServerState) -> None:
        self.state = state

    async def search(self, request: Request) -> Response:
        """Passages by words: a page for people, JSON (a list of hits) for scripts."""
        params = query_params(request)
        text = one(params, "q")
        fmt = one(params, "format")
        if fmt is None:
            media = negotiate(request.headers.get("accept"), [*HTML_TYPES, JSON])
            if media is None:
                raise HTTPException(406, f"searches come as text/html or {JSON}")
        elif fmt.lower() in {"html", "json"}:
            media = JSON if fmt.lower() == "json" else "text/html"
        else:
            raise HTTPException(400, f"unknown search format {fmt!r} (choose html or json)")
        limit = self.limit(one(params, "limit"))
        if media == JSON:
            response = await self.as_json(text, limit)
        else:
            response = await self.as_page(text, limit, root(request))
        response.headers["Vary"] = "Accept"
        return response

    async def as_json(self, text: str | None, limit: int) -> Response:
        """The hits as a JSON list; a cut list says so in the ``Octograph-Truncated`` header."""
        if text is None:
            raise HTTPException(400, "no search: give the words as the q parameter")
        hits, truncated = await self.hits(text, limit)
        body = json.dumps([h.as_dict() for h in hits], ensure_ascii=False).encode()
        headers = {TRUNCATED_HEADER: f"limit={limit}"} if truncated else None
        return Response(body, 200, headers, media_type=JSON)

    async def as_page(self, text: str | None, limit: int, prefix: str) -> Response:
        """The search page; a search that is not one is explained under the box."""
        pages = self.state.pages
        if text is None or not text.strip():
            return page_response(pages.search("", prefix))
        try:
            hits, truncated = await self.hits(text, limit)
        except HTTPException as e:
            return page_response(pages.search(text, prefix, error=e.detail), e.status_code)
        except OctographError as e:
            return page_response(pages.search(text, prefix, error=str(e)), status_for(e))
        return page_response(pages.search(text, prefix, hits=hits, truncated=truncated))

    def limit(self, given: str | None) -> int:
        """The number of hits asked for (``limit=``), within this server's limits."""
        most = min(SEARCH_MAX_HITS, self.state.limits.max_rows)
        if given is None:
            return min(SEARCH_HITS, most)
        if not given.isdigit() or not 1 <= int(given) <= most:
            raise HTTPException(400, f"limit must be a whole number from 1 to {most}")
        return int(given)

    async def hits(self, text: str, limit: int) -> tuple[tuple[Hit, ...], bool]:
        """The best *limit* hits for *text*, and whether there were more.

        Raises:
            HTTPException: 400, the search is too long.
            QueryError: it is not a search (checked here, before a worker is asked).
        """
        if len(text) > SEARCH_MAX_CHARS:
            raise HTTPException(
                400, f"the search is longer than {SEARCH_MAX_CHARS} characters, this server's limit"
            )
        fts_query(text)
        hits = await self.state.run("search", text, limit + 1)
        return hits[:limit], len(hits) > limit
