"""Answers as data: a worker's serialised answer as a response, and the query page's downloads.

The protocol endpoint and the query page's download links both end here, so an answer
carries the same media type and truncation header whichever way it was asked for.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from octograph.errors import NotFoundError
from octograph.graph.export import format_for
from octograph.server.answers import Answer, Dataset
from octograph.server.params import QueryForm, with_charset
from octograph.server.protocol import GRAPH_TYPES, RESULT_TYPES
from octograph.server.state import ServerState

__all__ = ["GRAPH_FORMS", "TRUNCATED_HEADER", "answer_response", "format_media", "query_download"]

TRUNCATED_HEADER = "Octograph-Truncated"
GRAPH_FORMS = {"construct", "describe"}


def answer_response(answer: Answer, media: str, max_rows: int) -> Response:
    """*answer* as the response to a request that asked for *media*.

    A cut answer says so in the ``Octograph-Truncated`` header.
    """
    if answer.kind == "graph":
        fits = GRAPH_TYPES.get(media) == answer.format
        media_type = media if fits else format_for(answer.format).media_type
    else:
        fits = RESULT_TYPES.get(media) == answer.format
        media_type = (
            media if fits else next(m for m, name in RESULT_TYPES.items() if name == answer.format)
        )
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers[TRUNCATED_HEADER] = f"max-rows={max_rows}"
    return Response(answer.body, 200, headers, media_type=with_charset(media_type))


def format_media(fmt: str, graph: bool) -> str:
    """The media type a ``format`` parameter names, for a graph answer or a results answer.

    >>> format_media("csv", graph=False), format_media("turtle", graph=True)
    ('text/csv', 'text/turtle')
    """
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


async def query_download(
    state: ServerState, request: Request, form: QueryForm, fmt: str
) -> Response:
    """The query page's answer as a file in *fmt*, named after the question."""
    shape = await state.shape(form.text or state.questions[form.name].sparql)
    graph = shape.form in GRAPH_FORMS
    media = format_media(fmt, graph)
    answer: Answer = await state.run(
        "download",
        form.text or None,
        form.name or None,
        dict(form.params),
        Dataset(form.default_graphs, form.named_graphs),
        str(request.url_for("sparql")),
        RESULT_TYPES.get(media, "json"),
        GRAPH_TYPES.get(media, "turtle"),
        state.limits.max_rows,
    )
    response = answer_response(answer, media, state.limits.max_rows)
    suffix = {"json": "srj", "xml": "srx"}.get(answer.format, answer.format)
    if answer.kind == "graph":
        suffix = format_for(answer.format).suffix.lstrip(".")
    filename = f"{form.name or 'query'}.{suffix}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
