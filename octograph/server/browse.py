"""The routes for people: the overview, the query page, entity pages, the graph view, the CSS.

Entities dereference both ways: ``/id/...`` is a page for a browser and RDF for a tool,
by the Accept header or a ``format`` parameter.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pyoxigraph as ox
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from octograph import formats
from octograph.errors import OctographError
from octograph.graph.export import format_for
from octograph.namespaces import ID
from octograph.server.answers import Dataset
from octograph.server.downloads import format_media, query_download
from octograph.server.page_data import EntityPage, Overview
from octograph.server.params import QueryForm, one, query_params, root, with_charset
from octograph.server.protocol import GRAPH_TYPES, HTML_TYPES, negotiate
from octograph.server.responses import page_response, status_for
from octograph.server.state import ServerState
from octograph.server.tables import Table
from octograph.sparql.questions import NamedQuestion, question_groups

if TYPE_CHECKING:
    pass

__all__ = ["Site"]


class Site:
    """The pages of one app, and what they keep: the graph never changes while it is served."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.pages = state.pages
        self._overview: Overview | None = None
        self._graph_page: str | None = None
        self._graph_lock = asyncio.Lock()
        self._groups: list[tuple[str, list[NamedQuestion]]] | None = None

    def question_groups(self) -> list[tuple[str, list[NamedQuestion]]]:
        """The named questions by topic; those comparing reports only if two are loaded."""
        if self._groups is None:
            found = self.state.kg.engine.select("SELECT ?r WHERE { ?r a octo:Report }")
            self._groups = question_groups(self.state.questions, len(list(found)))
        return self._groups

    async def overview(self, request: Request) -> Response:
        """The home page, computed at its first request and kept."""
        if self._overview is None:
            self._overview = await self.state.run("overview")
        return page_response(self.pages.overview(self._overview, root(request)))

    async def query_page(self, request: Request) -> Response:
        """The query page for a SPARQL text or a named question, or its answer as a file."""
        params = query_params(request)
        name = one(params, "name") or ""
        text = one(params, "query")
        if name and name not in self.state.questions:
            raise HTTPException(404, f"no named question {name!r}")
        question = self.state.questions.get(name)
        values = (
            {p.name: v for p in question.params if (v := one(params, p.name))} if question else {}
        )
        form = QueryForm(
            text=text or "",
            name=name if text is None else "",
            params=values,
            default_graphs=tuple(params.get("default-graph-uri", [])),
            named_graphs=tuple(params.get("named-graph-uri", [])),
        )
        fmt = one(params, "format")
        if fmt is not None and fmt != "html" and (form.name or form.text):
            return await query_download(self.state, request, form, fmt)
        return await self.query_form_page(request, form)

    async def query_form_page(self, request: Request, form: QueryForm) -> Response:
        """The query page with *form* filled in and, if it asks something, the answer."""
        state, prefix = self.state, root(request)
        if not form.name and not form.text:
            return page_response(
                self.pages.query(state.questions, self.question_groups(), form, prefix)
            )
        try:
            if form.text:
                await state.shape(form.text)
            table: Table = await state.run(
                "table",
                form.text or None,
                form.name or None,
                dict(form.params),
                Dataset(form.default_graphs, form.named_graphs),
                str(request.url_for("sparql")),
                state.limits.max_rows,
            )
        except HTTPException as e:
            body = self.pages.query(
                state.questions, self.question_groups(), form, prefix, error=e.detail
            )
            return page_response(body, e.status_code)
        except OctographError as e:
            body = self.pages.query(
                state.questions,
                self.question_groups(),
                form,
                prefix,
                error=str(e),
                excerpt=_excerpt(e, form.text),
            )
            return page_response(body, status_for(e))
        return page_response(
            self.pages.query(state.questions, self.question_groups(), form, prefix, table=table)
        )

    async def graph(self, request: Request) -> Response:
        """The interactive view of the whole graph, built at its first request and kept."""
        async with self._graph_lock:
            if self._graph_page is None:
                # Built once, by a process of its own under the time limit (state.build).
                self._graph_page = await self.state.build("graph_page", root(request))
        return Response(self._graph_page, 200, media_type=with_charset("text/html"))

    async def entity(self, request: Request) -> Response:
        """An entity of the graph: a page for browsers, its statements as RDF for tools."""
        local = request.path_params["path"]
        iri = ID + local
        params = query_params(request)
        rdf = [formats.find(name, "rdf") for name in formats.names("rdf")]
        offers = [f.media_type for f in rdf] + list(HTML_TYPES)
        fmt = one(params, "format")
        if fmt is not None:
            media = format_media(fmt, graph=True)
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
            page: EntityPage = await self.state.run("entity_page", iri)
            here = f"{root(request)}/id/{local}"
            return page_response(self.pages.entity(page, root(request), here))
        name = GRAPH_TYPES[media]
        body: bytes = await self.state.run("entity_rdf", iri, name)
        return Response(body, 200, headers, media_type=with_charset(format_for(name).media_type))

    async def stylesheet(self, request: Request) -> Response:
        """The stylesheet of every page (static/octograph.css)."""
        headers = {"Cache-Control": "max-age=3600"}
        return Response(self.state.stylesheet, 200, headers, media_type=with_charset("text/css"))


def _excerpt(error: OctographError, text: str) -> str:
    """The query's line with a caret under the column of a parse error, else "".

    Rebuilt here from the text: the error crossed from a worker process as its message and
    place only.
    """
    if getattr(error, "path", None) != "query" or not error.line or not error.column or not text:
        return ""
    from octograph.sparql.syntax import excerpt

    return excerpt(text, error.line, error.column)
