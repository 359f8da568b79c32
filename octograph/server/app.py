"""HTTP: a read-only SPARQL 1.1 Protocol endpoint and pages for people, over one knowledge graph.

Routes (all read-only):

- ``/sparql`` — SPARQL 1.1 Protocol: GET, POST form, POST ``application/sparql-query``;
  ``default-graph-uri`` / ``named-graph-uri`` choose among the stored graphs; a Service
  Description when no query is given. Updates are refused with 403.
- ``/`` overview, ``/query`` query page, ``/graph`` interactive view, ``/id/...`` entities
  (HTML for browsers, RDF for tools), ``/search?q=`` passages by words (HTML or JSON).

Queries run in forked worker processes (server_pool) that are killed at the time limit;
this module only reads requests, negotiates, and turns errors into statuses.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sys
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from octograph.errors import NotFoundError, OctographError, QueryError, StoreError
from octograph.graph.export import FORMATS, format_for
from octograph.namespaces import ID
from octograph.search import Hit, PassageIndex, fts_query
from octograph.server import pages, tasks
from octograph.server.pool import BusyError, QueryTimeoutError, WorkerLostError, WorkerPool
from octograph.server.protocol import (
    GRAPH_TYPES,
    HTML_TYPES,
    RESULT_TYPES,
    QueryShape,
    graph_offers,
    inspect_query,
    negotiate,
    result_offers,
)
from octograph.sparql.query import named_questions

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["STATUS", "background", "bind", "create_app", "serve"]

# Library errors -> HTTP statuses, most specific first. Only this module knows HTTP.
STATUS: tuple[tuple[type[OctographError], int], ...] = (
    (QueryTimeoutError, 504),  # the query ran past the time limit and was stopped
    (BusyError, 503),  # no worker became free within the time limit: retry later
    (WorkerLostError, 503),  # the worker died under the query (out of memory?)
    (StoreError, 503),
    (NotFoundError, 404),
    (QueryError, 400),
    (OctographError, 400),
)
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
READ_ONLY = "this endpoint is read-only: SPARQL Update is refused, nothing was changed"
TRUNCATED_HEADER = "Octograph-Truncated"
INSPECT_HERE = 32_768  # characters of query text lexed in the server process itself
SERVICE_REFUSED = "SERVICE is disabled: this endpoint does not query other endpoints"
GRAPH_FORMS = {"construct", "describe"}
SEARCH_MAX_CHARS = 500  # characters in one search: words and phrases, not documents
SEARCH_MAX_HITS = 100  # passages one search may ask for (limit=), within --max-rows
SEARCH_HITS = 20  # passages a search gives unless it asks for fewer or more
JSON = "application/json"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"


T = TypeVar("T")


class Limits(NamedTuple):
    """What one request may use."""

    timeout: float
    max_rows: int
    max_body: int


def _status(error: OctographError) -> int:
    return next(status for cls, status in STATUS if isinstance(error, cls))


def _media(value: str) -> str:
    """A media type as a response header gives it: text types say they are UTF-8."""
    return f"{value}; charset=utf-8" if value.startswith("text/") else value


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _parse_query_string(raw: bytes | str) -> dict[str, list[str]]:
    """URL-encoded parameters, decoded as UTF-8 strictly (a wrong byte is a 400)."""
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=1000
        )
    except UnicodeDecodeError as e:
        raise HTTPException(400, "the parameters are not UTF-8 text") from e
    except ValueError as e:
        raise HTTPException(400, f"the parameters cannot be read: {e}") from e
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise HTTPException(400, f"give one {name} parameter, not {len(values)}")
    return values[0] if values else None


def _content_type(header: str | None) -> tuple[str, dict[str, str]]:
    media, *rest = (header or "").split(";")
    params = {}
    for part in rest:
        key, _, value = part.partition("=")
        params[key.strip().lower()] = value.strip().strip('"')
    return media.strip().lower(), params


class _Cache(Generic[T]):
    """A least-recently-used map that holds at most *budget* units (bytes, or entries)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self._items: OrderedDict[Hashable, tuple[T, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> T | None:
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: Hashable, value: T, cost: int) -> None:
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


def _in_memory(kg: KnowledgeGraph) -> KnowledgeGraph:
    """*kg* if Oxigraph answers it from memory, else a copy of its store that does.

    The workers are forks that may open no file: a store on disk (RocksDB keeps files open
    and opens more) or rdflib's engine (it loads plugins from files) cannot work there, and
    a remote store's queries would leave the machine. Its snapshot is copied instead.
    """
    if getattr(kg, "location", "oxigraph") == "oxigraph" and kg.engine == "oxigraph":
        return kg
    from octograph.graph.load import KnowledgeGraph

    store = ox.Store()
    store.bulk_extend(kg.store)
    own = [q for q in kg.quads() if isinstance(q.graph_name, ox.DefaultGraph)]
    return KnowledgeGraph(store, kg.files, "oxigraph", own_default=own, location="oxigraph")


class _Server:
    """The application's state and handlers: one instance per app, no module-level state."""

    def __init__(self, kg: KnowledgeGraph, limits: Limits, workers: int, cache_bytes: int) -> None:
        # Before the copy into memory: a persistent store keeps its index beside it.
        index = PassageIndex.for_graph(kg)
        search = tasks.IndexImage(index.image())
        index.close()  # no connection is left open here to cross the fork
        kg = _in_memory(kg)
        self.kg = kg
        self.limits = limits
        self.questions = named_questions()
        self.graph_names = kg.graph_names()
        data = tasks.ServerData(kg, self.questions, search)
        self.pool = WorkerPool(
            data,
            {
                "answer": tasks.answer,
                "inspect": tasks.inspect,
                "table": tasks.table,
                "download": tasks.download,
                "entity_page": tasks.entity_page,
                "entity_rdf": tasks.entity_rdf,
                "overview": tasks.overview,
                "search": tasks.search,
            },
            size=workers,
        )
        # The graph does not change while it is served, so an answer once computed stays
        # right: the same request (query, graphs, format) is answered from memory.
        self.answers: _Cache[tasks.Answer] = _Cache(cache_bytes)
        self.shapes: _Cache[QueryShape] = _Cache(4096)
        self._overview: tasks.Overview | None = None
        self._graph_page: str | None = None
        self._graph_lock = asyncio.Lock()
        self.pages = pages.Pages()
        self.css = self.pages.stylesheet()

    async def run(self, task: str, *args: Any) -> Any:
        return await self.pool.run(task, *args, timeout=self.limits.timeout)

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
            self.shapes.put(text, shape, 1)
        return shape

    # ------------------------------------------------------------ errors

    def error(self, request: Request, status: int, message: str, headers: Any = None) -> Response:
        """An error as plain text, or as a page for a browser."""
        wants = negotiate(request.headers.get("accept"), ["text/plain", *HTML_TYPES])
        if wants in HTML_TYPES and not request.url.path.startswith(f"{_root(request)}/sparql"):
            body = self.pages.error(status, message, _root(request))
            return Response(body, status, headers, media_type=_media("text/html"))
        return PlainTextResponse(message + "\n", status, headers)

    async def on_http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return self.error(request, exc.status_code, exc.detail, exc.headers)

    async def on_library_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, OctographError)
        headers = {"Retry-After": "1"} if isinstance(exc, BusyError) else None
        return self.error(request, _status(exc), str(exc), headers)

    # ------------------------------------------------------------ SPARQL protocol

    async def _body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        limit = self.limits.max_body
        too_large = f"the request body is larger than {limit} bytes, the limit of this server"
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise HTTPException(413, too_large)
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise HTTPException(413, too_large)
            chunks.append(chunk)
        return b"".join(chunks)

    async def _protocol_params(self, request: Request) -> tuple[dict[str, list[str]], str | None]:
        """The request's parameters, and the query when it is the body itself."""
        params = _parse_query_string(request.scope.get("query_string", b""))
        if request.method in {"GET", "HEAD"}:
            return params, None
        media, options = _content_type(request.headers.get("content-type"))
        if media == SPARQL_UPDATE:
            raise HTTPException(403, READ_ONLY)
        if media not in {FORM, SPARQL_QUERY}:
            given = f"not {media}" if media else "and this one has none"
            raise HTTPException(415, f"a POST needs Content-Type {FORM} or {SPARQL_QUERY}, {given}")
        charset = options.get("charset", "utf-8").lower()
        if charset not in {"utf-8", "utf8"}:
            raise HTTPException(415, f"send the body as UTF-8, not {charset}")
        body = await self._body(request)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise HTTPException(
                400, f"the body is not UTF-8 text: {e.reason} at byte {e.start}"
            ) from e
        if media == SPARQL_QUERY:
            return params, text
        for key, values in _parse_query_string(text).items():
            params.setdefault(key, []).extend(values)
        return params, None

    async def sparql(self, request: Request) -> Response:
        params, direct = await self._protocol_params(request)
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            raise HTTPException(403, READ_ONLY)
        queries = params.get("query", []) + ([direct] if direct is not None else [])
        if len(queries) > 1:
            raise HTTPException(400, f"give one query, not {len(queries)}")
        dataset = tasks.Dataset(
            tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", []))
        )
        if not queries:
            if request.method == "POST":
                raise HTTPException(400, "no query: give it as the query parameter or the body")
            return self.service_description(request)
        text = queries[0]
        shape = await self.shape(text)
        graph = shape.form in GRAPH_FORMS
        media = self._choose(request, _one(params, "format"), graph)
        if media in HTML_TYPES:
            form = pages.QueryForm(
                text=text, default_graphs=dataset.default, named_graphs=dataset.named
            )
            if request.method in {"GET", "HEAD"}:
                return RedirectResponse(f"{_root(request)}/query?{form.query_string()}", 303)
            return await self._query_page(request, form)
        base = str(request.url.replace(query="", fragment=""))
        formats = RESULT_TYPES.get(media, "json"), GRAPH_TYPES.get(media, "turtle")
        job = (text, dataset, base, *formats)
        answer = self.answers.get(job)
        if answer is None:
            answer = await self.run("answer", *job, self.limits.max_rows)
            self.answers.put(job, answer, len(answer.body))
        return self._answer_response(answer, media)

    def _answer_response(self, answer: tasks.Answer, media: str) -> Response:
        if answer.kind == "graph":
            fits = GRAPH_TYPES.get(media) == answer.format
            media_type = media if fits else format_for(answer.format).media_type
        else:
            fits = RESULT_TYPES.get(media) == answer.format
            media_type = (
                media
                if fits
                else next(m for m, name in RESULT_TYPES.items() if name == answer.format)
            )
        headers = {"Vary": "Accept"}
        if answer.truncated:
            headers[TRUNCATED_HEADER] = f"max-rows={self.limits.max_rows}"
        return Response(answer.body, 200, headers, media_type=_media(media_type))

    def _choose(self, request: Request, fmt: str | None, graph: bool) -> str:
        """The media type to answer in: the format parameter, else the Accept header."""
        offers = graph_offers() if graph else result_offers()
        if fmt is not None:
            return self._format_media(fmt, graph)
        media = negotiate(request.headers.get("accept"), offers)
        if media is None:
            kinds = "CONSTRUCT and DESCRIBE" if graph else "SELECT and ASK"
            raise HTTPException(
                406, f"{kinds} answers come as {', '.join(offers)}; the Accept header allows none"
            )
        return media

    @staticmethod
    def _format_media(fmt: str, graph: bool) -> str:
        if fmt.lower() == "html":
            return "text/html"
        if graph:
            try:
                return format_for(fmt).media_type
            except NotFoundError as e:
                raise HTTPException(400, str(e)) from e
        for media, name in RESULT_TYPES.items():
            if name == fmt.lower():
                return media
        raise HTTPException(
            400, f"unknown result format {fmt!r} (choose from json, xml, csv, tsv, html)"
        )

    def service_description(self, request: Request) -> Response:
        """The SPARQL 1.1 Service Description of this endpoint, or the query page for people."""
        offers = [f.media_type for f in FORMATS.values() if not f.quads] + list(HTML_TYPES)
        media = negotiate(request.headers.get("accept"), offers)
        if media in HTML_TYPES:
            return RedirectResponse(f"{_root(request)}/query", 303)
        if media is None:
            raise HTTPException(400, "no query: give one as the query parameter")
        try:
            endpoint = ox.NamedNode(str(request.url.replace(query="", fragment="")))
        except ValueError as e:
            raise HTTPException(400, f"the request's URL is not an IRI: {e}") from e
        body = ox.serialize(
            _service_description(endpoint, self.graph_names),
            format=format_for(GRAPH_TYPES[media]).oxigraph,
            prefixes={"sd": SD, "formats": FORMATS_NS},
        )
        assert body is not None
        return Response(body, 200, {"Vary": "Accept"}, media_type=_media(media))

    # ------------------------------------------------------------ pages

    async def overview(self, request: Request) -> Response:
        # The graph never changes while served: its overview is computed once.
        if self._overview is None:
            self._overview = await self.run("overview")
        return self._page(self.pages.overview(self._overview, _root(request)))

    @staticmethod
    def _page(body: str, status: int = 200) -> Response:
        headers = {"Content-Security-Policy": pages.CSP, "X-Content-Type-Options": "nosniff"}
        return Response(body, status, headers, media_type=_media("text/html"))

    async def query_page(self, request: Request) -> Response:
        params = _parse_query_string(request.scope.get("query_string", b""))
        name = _one(params, "name") or ""
        text = _one(params, "query")
        if name and name not in self.questions:
            raise HTTPException(404, f"no named question {name!r}")
        question = self.questions.get(name)
        values = (
            {p.name: v for p in question.params if (v := _one(params, p.name))} if question else {}
        )
        form = pages.QueryForm(
            text=text or "",
            name=name if text is None else "",
            params=values,
            default_graphs=tuple(params.get("default-graph-uri", [])),
            named_graphs=tuple(params.get("named-graph-uri", [])),
        )
        fmt = _one(params, "format")
        if fmt is not None and fmt != "html" and (form.name or form.text):
            return await self._download(request, form, fmt)
        return await self._query_page(request, form)

    async def _query_page(self, request: Request, form: pages.QueryForm) -> Response:
        root = _root(request)
        if not form.name and not form.text:
            return self._page(self.pages.query(self.questions, form, root))
        try:
            if form.text:
                await self.shape(form.text)
            table: tasks.Table = await self.run(
                "table",
                form.text or None,
                form.name or None,
                dict(form.params),
                tasks.Dataset(form.default_graphs, form.named_graphs),
                str(request.url_for("sparql")),
                self.limits.max_rows,
            )
        except HTTPException as e:
            body = self.pages.query(self.questions, form, root, error=e.detail)
            return self._page(body, e.status_code)
        except OctographError as e:
            body = self.pages.query(self.questions, form, root, error=str(e))
            return self._page(body, _status(e))
        return self._page(self.pages.query(self.questions, form, root, table=table))

    async def _download(self, request: Request, form: pages.QueryForm, fmt: str) -> Response:
        shape = await self.shape(form.text or self.questions[form.name].sparql)
        graph = shape.form in GRAPH_FORMS
        media = self._format_media(fmt, graph)
        answer: tasks.Answer = await self.run(
            "download",
            form.text or None,
            form.name or None,
            dict(form.params),
            tasks.Dataset(form.default_graphs, form.named_graphs),
            str(request.url_for("sparql")),
            RESULT_TYPES.get(media, "json"),
            GRAPH_TYPES.get(media, "turtle"),
            self.limits.max_rows,
        )
        response = self._answer_response(answer, media)
        suffix = {"json": "srj", "xml": "srx"}.get(answer.format, answer.format)
        if answer.kind == "graph":
            suffix = format_for(answer.format).suffix.lstrip(".")
        filename = f"{form.name or 'query'}.{suffix}"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    async def graph(self, request: Request) -> Response:
        async with self._graph_lock:
            if self._graph_page is None:
                from octograph.view.page import build_view

                # Built once, here in the server process, on its event-loop thread: the
                # workers cannot read pyvis' files, and this is the only store access
                # outside them (forks happen on this same thread, never during it).
                graph = self.kg.to_networkx()
                self._graph_page = build_view(
                    graph, title="octograph — the report's graph"
                ).to_html()
        return Response(self._graph_page, 200, media_type=_media("text/html"))

    async def entity(self, request: Request) -> Response:
        local = request.path_params["path"]
        iri = ID + local
        params = _parse_query_string(request.scope.get("query_string", b""))
        offers = [f.media_type for f in FORMATS.values()] + list(HTML_TYPES)
        fmt = _one(params, "format")
        if fmt is not None:
            media = self._format_media(fmt, graph=True)
        else:
            chosen = negotiate(request.headers.get("accept"), offers)
            if chosen is None:
                raise HTTPException(406, f"entities come as {', '.join(offers)}")
            media = chosen
        try:
            ox.NamedNode(iri)
        except ValueError as e:
            raise HTTPException(404, f"{iri} is not an IRI of this graph") from e
        headers = {"Vary": "Accept"}
        if media in HTML_TYPES:
            page: tasks.EntityPage = await self.run("entity_page", iri)
            here = f"{_root(request)}/id/{local}"
            return self._page(self.pages.entity(page, _root(request), here))
        name = GRAPH_TYPES[media]
        body: bytes = await self.run("entity_rdf", iri, name)
        return Response(body, 200, headers, media_type=_media(format_for(name).media_type))

    async def search(self, request: Request) -> Response:
        """Passages by words: a page for people, JSON (a list of hits) for scripts."""
        params = _parse_query_string(request.scope.get("query_string", b""))
        text = _one(params, "q")
        fmt = _one(params, "format")
        if fmt is None:
            media = negotiate(request.headers.get("accept"), [*HTML_TYPES, JSON])
            if media is None:
                raise HTTPException(406, f"searches come as text/html or {JSON}")
        elif fmt.lower() in {"html", "json"}:
            media = JSON if fmt.lower() == "json" else "text/html"
        else:
            raise HTTPException(400, f"unknown search format {fmt!r} (choose html or json)")
        limit = self._search_limit(_one(params, "limit"))
        if media == JSON:
            response = await self._search_json(text, limit)
        else:
            response = await self._search_page(text, limit, _root(request))
        response.headers["Vary"] = "Accept"
        return response

    async def _search_json(self, text: str | None, limit: int) -> Response:
        if text is None:
            raise HTTPException(400, "no search: give the words as the q parameter")
        hits, truncated = await self._search(text, limit)
        body = json.dumps([h.as_dict() for h in hits], ensure_ascii=False).encode()
        headers = {TRUNCATED_HEADER: f"limit={limit}"} if truncated else None
        return Response(body, 200, headers, media_type=JSON)

    async def _search_page(self, text: str | None, limit: int, root: str) -> Response:
        if text is None or not text.strip():
            return self._page(self.pages.search("", root))
        try:
            hits, truncated = await self._search(text, limit)
        except HTTPException as e:
            return self._page(self.pages.search(text, root, error=e.detail), e.status_code)
        except OctographError as e:
            return self._page(self.pages.search(text, root, error=str(e)), _status(e))
        return self._page(self.pages.search(text, root, hits=hits, truncated=truncated))

    def _search_limit(self, given: str | None) -> int:
        most = min(SEARCH_MAX_HITS, self.limits.max_rows)
        if given is None:
            return min(SEARCH_HITS, most)
        if not given.isdigit() or not 1 <= int(given) <= most:
            raise HTTPException(400, f"limit must be a whole number from 1 to {most}")
        return int(given)

    async def _search(self, text: str, limit: int) -> tuple[tuple[Hit, ...], bool]:
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
        hits = await self.run("search", text, limit + 1)
        return hits[:limit], len(hits) > limit

    async def stylesheet(self, request: Request) -> Response:
        return Response(
            self.css, 200, {"Cache-Control": "max-age=3600"}, media_type=_media("text/css")
        )


def _service_description(endpoint: ox.NamedNode, graph_names: list[str]) -> list[ox.Triple]:
    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    a = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(endpoint, a, iri(SD + "Service")),
        ox.Triple(endpoint, iri(SD + "endpoint"), endpoint),
        ox.Triple(endpoint, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
        ox.Triple(endpoint, iri(SD + "feature"), iri(SD + "UnionDefaultGraph")),
        ox.Triple(endpoint, iri(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, a, iri(SD + "Dataset")),
        ox.Triple(dataset, iri(SD + "defaultGraph"), default),
        ox.Triple(default, a, iri(SD + "Graph")),
    ]
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        triples.append(ox.Triple(endpoint, iri(SD + "resultFormat"), iri(FORMATS_NS + name)))
    for name in graph_names:
        named = ox.BlankNode()
        triples += [
            ox.Triple(dataset, iri(SD + "namedGraph"), named),
            ox.Triple(named, a, iri(SD + "NamedGraph")),
            ox.Triple(named, iri(SD + "name"), iri(name)),
        ]
    return triples


def create_app(
    kg: KnowledgeGraph,
    *,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    max_body: int = 1_000_000,
    cors: str | None = None,
    workers: int = 2,
    cache_bytes: int = 64_000_000,
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

    Raises:
        OctographError: a limit is not a positive finite number.
    """
    for name, value in (
        ("timeout", timeout),
        ("max_rows", max_rows),
        ("max_body", max_body),
        ("workers", workers),
    ):
        if not 0 < value < float("inf"):  # not NaN either
            flag = f"--{name.replace('_', '-')}"
            raise OctographError(f"{flag} must be a positive finite number, not {value}")
    if cache_bytes < 0:
        raise OctographError(f"the answer cache cannot be negative ({cache_bytes} bytes)")
    server = _Server(kg, Limits(timeout, max_rows, max_body), workers, cache_bytes)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await server.pool.start()
        try:
            yield
        finally:
            await server.pool.close()

    middleware = []
    if cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=[cors],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=[TRUNCATED_HEADER],
            )
        )
    app = Starlette(
        routes=[
            Route("/", server.overview, name="overview"),
            Route("/sparql", server.sparql, methods=["GET", "POST"], name="sparql"),
            Route("/query", server.query_page, name="query"),
            Route("/graph", server.graph, name="graph"),
            Route("/search", server.search, name="search"),
            Route("/id/{path:path}", server.entity, name="entity"),
            Route("/octograph.css", server.stylesheet, name="stylesheet"),
        ],
        middleware=middleware,
        exception_handlers={
            HTTPException: server.on_http_error,
            OctographError: server.on_library_error,
        },
        lifespan=lifespan,
    )
    app.state.server = server
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
