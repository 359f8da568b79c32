"""The server's pages for people: the workers' data rendered by the Jinja2 templates beside this.

The templates (``templates/*.html``, each extending ``base.html``) are rendered with
autoescape on, so every text from the graph or the request is escaped wherever it lands and
a label holding ``<script>`` stays text. The one stylesheet, ``static/octograph.css``, is
served by the server itself: the pages load nothing from elsewhere and hold no inline style
or script, which the Content-Security-Policy they are sent with forbids.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import jinja2
import markupsafe

from octograph.namespaces import ID, PREFIXES
from octograph.search import MARK_END, MARK_START, Hit
from octograph.server.page_data import EntityPage, Link, Overview, Quote
from octograph.server.params import QueryForm
from octograph.server.tables import Cell, Table
from octograph.sparql.questions import NamedQuestion

__all__ = [
    "CSP",
    "EXAMPLE",
    "Pages",
    "compact",
    "entity_href",
    "group_facts",
    "marks",
    "text",
]

RDF_FORMATS = (  # (format name, label) for entity and CONSTRUCT downloads
    ("turtle", "Turtle"),
    ("nt", "N-Triples"),
    ("jsonld", "JSON-LD"),
    ("xml", "RDF/XML"),
)
QUAD_FORMATS = (("trig", "TriG"), ("nquads", "N-Quads"))
RESULT_FORMATS = (("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("csv", "CSV"), ("tsv", "TSV"))
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
NAV = (  # (path, label, tooltip) of the navigation bar every page carries
    ("/", "Overview", ""),
    ("/search", "Search", ""),
    ("/query", "Query", ""),
    ("/graph", "Graph", ""),
    ("/sparql", "SPARQL endpoint", "SPARQL 1.1 Protocol endpoint"),
)
CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
EXAMPLE = """\
# Every query may use octo:, kg:, rdf:, rdfs:, owl:, xsd:, skos:, dcterms:, prov:, oa:,
# org:, schema: and sh: without declaring them. Or pick a question on the left.
SELECT ?message ?title ?threat WHERE {
  ?message octo:messageNumber ?n ; dcterms:title ?title .
  OPTIONAL { ?message octo:identifiesThreat ?threat }
}
ORDER BY ?n
"""
_REASONS = {
    400: "bad request",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    406: "not acceptable",
    413: "content too large",
    415: "unsupported media type",
    500: "internal error",
    503: "service unavailable",
    504: "time limit reached",
}


# ---------------------------------------------------------------- what templates call


def compact(iri: str) -> str:
    """An IRI as prefix:name when a known prefix fits, else the IRI.

    >>> compact("https://w3id.org/octograph/ontology#Threat")
    'octo:Threat'
    """
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return iri


def entity_href(root: str, iri: str) -> str | None:
    """The server's page for *iri*, if it is one of octograph's entities.

    >>> entity_href("/octograph", "https://w3id.org/octograph/id/budapest-convention")
    '/octograph/id/budapest-convention'
    """
    if iri.startswith(ID) and len(iri) > len(ID):
        return f"{root}/id/{iri[len(ID) :]}"
    return None


def text(value: object) -> markupsafe.Markup:
    """*value* escaped for the text between tags, where only ``&``, ``<`` and ``>`` matter.

    Messages quote what was asked (``unknown search format 'xml'``); here the quotes stay
    as typed, as in the plain-text answer. Never for an attribute value: there autoescape's
    escaping of quotes is what keeps the value inside its attribute.

    >>> text("unknown format '<b>'")
    Markup("unknown format '&lt;b&gt;'")
    """
    return markupsafe.Markup(html.escape(str(value), quote=False))


def datatype_hint(datatype: str) -> str:
    """A literal's datatype as its tooltip shows it; none for plain and language strings."""
    return "" if datatype in {XSD_STRING, RDF_LANG_STRING} else compact(datatype)


def group_facts(links: Iterable[Link]) -> list[tuple[str, list[Link], list[Quote]]]:
    """Links by relation name, each group with the passages that state any of them."""
    grouped: dict[str, list[Link]] = {}
    for link in links:
        name = link.predicate.label or compact(link.predicate.value)
        grouped.setdefault(name, []).append(link)
    return [
        (name, group, sorted({q for link in group for q in link.quotes}))
        for name, group in grouped.items()
    ]


def marks(snippet: str) -> Iterator[tuple[str, bool]]:
    """A search snippet as (text, whether it is a match) pieces, the markers dropped.

    >>> list(marks("a <b> \x02match\x03 …"))
    [('a <b> ', False), ('match', True), (' …', False)]
    """
    first, *rest = snippet.split(MARK_START)
    yield first.replace(MARK_END, ""), False
    for chunk in rest:
        marked, _, after = chunk.partition(MARK_END)
        yield marked, True
        yield after.replace(MARK_END, ""), False


def uri_cell(entity: tuple[str, str]) -> Cell:
    """An (IRI, label) pair, as search hits list what a passage states, as a term to show."""
    iri, label = entity
    return Cell("uri", iri, label)


def count_rows(stats: Mapping[str, object]) -> list[tuple[str, object]]:
    """The overview's counts table: the graph's sizes, then the instances of each class."""
    rows: list[tuple[str, object]] = [
        (key.replace("_", " "), stats.get(key, ""))
        for key in ("quads", "triples", "graphs", "passages", "key_messages")
    ]
    classes = stats.get("classes")
    if isinstance(classes, Mapping):
        rows += [(f"octo:{name}", n) for name, n in classes.items()]
    return rows


# ---------------------------------------------------------------- rendering


@jinja2.pass_context
def _entity_href(context: jinja2.runtime.Context, iri: str) -> str | None:
    return entity_href(context["root"], iri)


class Pages:
    """The server's HTML pages, each rendered from its template; one per app.

    >>> page = Pages().error(404, "<no such thing>", "")
    >>> "&lt;no such thing&gt;" in page and "<title>404 — not found — octograph" in page
    True
    """

    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("octograph.server", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,  # a misspelt name fails the page, not blanks it
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            compact=compact,
            datatype_hint=datatype_hint,
            group_facts=group_facts,
            marks=marks,
            text=text,
            uri_cell=uri_cell,
        )
        self.env.globals.update(entity_href=_entity_href, qs=urlencode, nav=NAV)

    def render(self, template: str, title: str, root: str, current: str = "", **data: Any) -> str:
        """*template* filled with *data*, under the layout's *title* and navigation bar."""
        page = self.env.get_template(template)
        return page.render(title=title, root=root, current=current, **data)

    def stylesheet(self) -> bytes:
        """The stylesheet every page links to, as the package ships it."""
        return (resources.files("octograph.server") / "static" / "octograph.css").read_bytes()

    def error(self, status: int, message: str, root: str) -> str:
        """The page for an error the server answers with *status*."""
        title = f"{status} — {_REASONS.get(status, 'error')}"
        return self.render("error.html", title, root, message=message)

    def overview(self, overview: Overview, root: str) -> str:
        """The home page: each report, the event it reports on, its key messages, the counts."""
        title = overview.reports[0].label if overview.reports else "octograph"
        counts = count_rows(overview.stats)
        return self.render("overview.html", title, root, "/", overview=overview, counts=counts)

    def entity(self, entity: EntityPage, root: str, here: str) -> str:
        """The page of one entity: what it is, its links both ways, and the passages' words."""
        title = entity.label or compact(entity.iri)
        formats = RDF_FORMATS + QUAD_FORMATS
        return self.render("entity.html", title, root, entity=entity, here=here, formats=formats)

    def query(
        self,
        questions: Mapping[str, NamedQuestion],
        groups: Sequence[tuple[str, Sequence[NamedQuestion]]],
        form: QueryForm,
        root: str,
        *,
        table: Table | None = None,
        error: str = "",
        excerpt: str = "",
    ) -> str:
        """The query page: the named questions by topic, the query text, the answer as a table.

        *excerpt* is the query's line with a caret under the column of a parse error.
        """
        question = questions.get(form.name) if form.name else None
        title = question.title if question is not None else "Query"
        formats = RDF_FORMATS if table is not None and table.kind == "graph" else RESULT_FORMATS
        return self.render(
            "query.html",
            title,
            root,
            "/query",
            groups=groups,
            question=question,
            form=form,
            example=EXAMPLE,
            table=table,
            formats=formats,
            error=error,
            excerpt=excerpt,
        )

    def search(
        self,
        text: str,
        root: str,
        *,
        hits: Sequence[Hit] | None = None,
        truncated: bool = False,
        error: str = "",
    ) -> str:
        """The search page: the box, then the passages found, best first, with what they state."""
        title = f"{text} — search" if text else "Search"
        return self.render(
            "search.html",
            title,
            root,
            "/search",
            text=text,
            hits=hits,
            truncated=truncated,
            error=error,
        )
