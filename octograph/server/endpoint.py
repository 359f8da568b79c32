"""``/sparql``: the read-only SPARQL 1.1 Protocol endpoint, and its Service Description.

GET, POST form and POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` choose among the stored graphs; with no query, the Service Description.
Updates are refused with 403. A browser asking for HTML is sent to the query page.
"""

from __future__ import annotations

import pyoxigraph as ox
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from octograph import formats
from octograph.graph.export import format_for
from octograph.server.answers import Dataset
from octograph.server.browse import Site
from octograph.server.downloads import GRAPH_FORMS, answer_response, format_media
from octograph.server.params import (
    QueryForm,
    content_type,
    one,
    parse_query_string,
    query_params,
    root,
    with_charset,
)
from octograph.server.protocol import (
    GRAPH_TYPES,
    HTML_TYPES,
    RESULT_TYPES,
    graph_offers,
    negotiate,
    result_offers,
)
from octograph.server.state import READ_ONLY, ServerState

__all__ = [
    "Endpoint",
    "choose_media",
    "protocol_params",
    "read_body",
    "service_description",
]

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RESULT_FORMAT_NAMES = (  # the names w3.org/ns/formats gives the formats answers come in
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body, refused with 413 as soon as it is known to pass *limit* bytes."""
    declared = request.headers.get("content-length")
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


async def protocol_params(
    request: Request, max_body: int
) -> tuple[dict[str, list[str]], str | None]:
    """The request's parameters, and the query when it is the body itself."""
    params = query_params(request)
    if request.method in {"GET", "HEAD"}:
        return params, None
    media, options = content_type(request.headers.get("content-type"))
    if media == SPARQL_UPDATE:
        raise HTTPException(403, READ_ONLY)
    if media not in {FORM, SPARQL_QUERY}:
        given = f"not {media}" if media else "and this one has none"
        raise HTTPException(415, f"a POST needs Content-Type {FORM} or {SPARQL_QUERY}, {given}")
    charset = options.get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise HTTPException(415, f"send the body as UTF-8, not {charset}")
    body = await read_body(request, max_body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise HTTPException(400, f"the body is not UTF-8 text: {e.reason} at byte {e.start}") from e
    if media == SPARQL_QUERY:
        return params, text
    for key, values in parse_query_string(text).items():
        params.setdefault(key, []).extend(values)
    return params, None


def choose_media(request: Request, fmt: str | None, graph: bool) -> str:
    """The media type to answer in: the format parameter, else the Accept header."""
    offers = graph_offers() if graph else result_offers()
    if fmt is not None:
        return format_media(fmt, graph)
    media = negotiate(request.headers.get("accept"), offers)
    if media is None:
        kinds = "CONSTRUCT and DESCRIBE" if graph else "SELECT and ASK"
        raise HTTPException(
            406, f"{kinds} answers come as {', '.join(offers)}; the Accept header allows none"
        )
    return media


class Endpoint:
    """The ``/sparql`` route of one app; HTML is the query page's business (see browse.Site)."""

    def __init__(self, state: ServerState, site: Site) -> None:
        self.state = state
        self.site = site

    async def sparql(self, request: Request) -> Response:
        """A query's answer in the negotiated format, from the cache when it was asked before."""
        params, direct = await protocol_params(request, self.state.limits.max_body)
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            raise HTTPException(403, READ_ONLY)
        queries = params.get("query", []) + ([direct] if direct is not None else [])
        if len(queries) > 1:
            raise HTTPException(400, f"give one query, not {len(queries)}")
        dataset = Dataset(
            tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", []))
        )
        if not queries:
            if request.method == "POST":
                raise HTTPException(400, "no query: give it as the query parameter or the body")
            return self.service_description(request)
        text = queries[0]
        shape = await self.state.shape(text)
        media = choose_media(request, one(params, "format"), shape.form in GRAPH_FORMS)
        if media in HTML_TYPES:
            form = QueryForm(text=text, default_graphs=dataset.default, named_graphs=dataset.named)
            if request.method in {"GET", "HEAD"}:
                return RedirectResponse(f"{root(request)}/query?{form.query_string()}", 303)
            return await self.site.query_form_page(request, form)
        base = str(request.url.replace(query="", fragment=""))
        formats = RESULT_TYPES.get(media, "json"), GRAPH_TYPES.get(media, "turtle")
        job = (text, dataset, base, *formats)
        answer = self.state.answers.get(job)
        if answer is None:
            answer = await self.state.run("answer", *job, self.state.limits.max_rows)
            self.state.answers.put(job, answer, len(answer.body))
        return answer_response(answer, media, self.state.limits.max_rows)

    def service_description(self, request: Request) -> Response:
        """The SPARQL 1.1 Service Description of this endpoint, or the query page for people."""
        offers = [f.media_type for f in formats.FORMATS if f.kind == "graph"] + list(HTML_TYPES)
        media = negotiate(request.headers.get("accept"), offers)
        if media in HTML_TYPES:
            return RedirectResponse(f"{root(request)}/query", 303)
        if media is None:
            raise HTTPException(400, "no query: give one as the query parameter")
        try:
            endpoint = ox.NamedNode(str(request.url.replace(query="", fragment="")))
        except ValueError as e:
            raise HTTPException(400, f"the request's URL is not an IRI: {e}") from e
        body = ox.serialize(
            service_description(endpoint, self.state.graph_names),
            format=format_for(GRAPH_TYPES[media]).rdf,
            prefixes={"sd": SD, "formats": FORMATS_NS},
        )
        assert body is not None
        return Response(body, 200, {"Vary": "Accept"}, media_type=with_charset(media))


def service_description(endpoint: ox.NamedNode, graph_names: list[str]) -> list[ox.Triple]:
    """The triples that describe the endpoint at *endpoint*: what it answers, over which graphs."""

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
    for name in RESULT_FORMAT_NAMES:
        triples.append(ox.Triple(endpoint, iri(SD + "resultFormat"), iri(FORMATS_NS + name)))
    for name in graph_names:
        named = ox.BlankNode()
        triples += [
            ox.Triple(dataset, iri(SD + "namedGraph"), named),
            ox.Triple(named, a, iri(SD + "NamedGraph")),
            ox.Triple(named, iri(SD + "name"), iri(name)),
        ]
    return triples
