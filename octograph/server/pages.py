"""The server's pages for people: HTML built from the workers' data, every text escaped.

No template engine and no asset from elsewhere: pages are built with ``el()``, which escapes
every string it is given and keeps only ``Html`` values as they are, so a label holding
``<script>`` stays text. The one stylesheet is served by the server itself.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple
from urllib.parse import urlencode

from octograph.namespaces import ID, PREFIXES
from octograph.search import MARK_END, MARK_START, Hit
from octograph.server.tasks import Cell, EntityPage, Link, Overview, Quote, Table
from octograph.sparql.questions import NamedQuestion

__all__ = [
    "CSS",
    "Html",
    "QueryForm",
    "el",
    "entity_html",
    "error_html",
    "overview_html",
    "query_html",
    "search_html",
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


class Html(str):
    """Text that is already HTML: ``el`` keeps it as it is."""

    __slots__ = ()


_VOID = {"br", "hr", "input", "link", "meta", "img"}


def _children(items: Iterable[object]) -> Iterable[str]:
    for item in items:
        if item is None or item is False:
            continue
        if isinstance(item, Html):
            yield item
        elif isinstance(item, list | tuple):
            yield from _children(item)
        else:
            yield html.escape(str(item), quote=False)


def el(tag: str, *children: object, **attrs: object) -> Html:
    """An element: attribute values and string children are escaped, ``Html`` is kept.

    ``class_`` gives ``class``; other underscores become hyphens; None and False drop
    the attribute, True writes it bare.

    >>> el("a", "<script>", href="/id/x?a=1&b=2", class_="entity")
    '<a href="/id/x?a=1&amp;b=2" class="entity">&lt;script&gt;</a>'
    """
    parts = [tag]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(name if value is True else f'{name}="{html.escape(str(value), quote=True)}"')
    opening = f"<{' '.join(parts)}>"
    if tag in _VOID:
        return Html(opening)
    return Html(f"{opening}{''.join(_children(children))}</{tag}>")


def join(items: Iterable[object], separator: str = ", ") -> Html:
    """Items separated by *separator*, each escaped unless it is ``Html``."""
    return Html(html.escape(separator).join(_children([[i] for i in items])))


# ---------------------------------------------------------------- terms


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
    """The server's page for *iri*, if it is one of octograph's entities."""
    if iri.startswith(ID) and len(iri) > len(ID):
        return f"{root}/id/{iri[len(ID) :]}"
    return None


def term(cell: Cell | None, root: str) -> Html:
    """A term as a page shows it: a label linking to the entity page, or a literal."""
    if cell is None:
        return Html("")
    if cell.kind == "uri":
        text = cell.label or compact(cell.value)
        href = entity_href(root, cell.value)
        if href:
            return el("a", text, href=href, title=cell.value)
        return el("span", text, title=cell.value, class_="iri")
    if cell.kind == "bnode":
        return el("span", f"_:{cell.value}", class_="bnode")
    kind = "" if cell.datatype in {XSD_STRING, RDF_LANG_STRING} else compact(cell.datatype)
    return el("span", cell.value, lang=cell.language or None, title=kind or None)


# ---------------------------------------------------------------- layout

CSS = """\
:root { --ink: #1d2733; --muted: #5b6776; --line: #d7dde4; --accent: #1f5fa8; --bg: #fbfcfd; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; gap: 1.5rem; align-items: baseline; padding: .75rem 1.5rem;
         border-bottom: 1px solid var(--line); background: #fff; flex-wrap: wrap; }
header .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
header nav a { margin-right: 1rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
a { color: var(--accent); }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin-bottom: .25rem; }
.muted, .iri-text { color: var(--muted); }
.iri-text { font-family: ui-monospace, monospace; font-size: .9rem; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .95rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top;
         text-align: left; }
th { background: #eef2f6; }
blockquote { margin: .25rem 0; padding: .25rem .75rem; border-left: 3px solid var(--line);
             color: var(--muted); }
textarea { width: 100%; min-height: 14rem; font: .9rem/1.4 ui-monospace, monospace; }
pre { background: #f1f4f7; padding: .75rem; overflow: auto; font-size: .85rem; }
.error { color: #9b1c1c; background: #fdecec; padding: .5rem .75rem; border-radius: 4px; }
.notice { background: #fff7e0; padding: .5rem .75rem; border-radius: 4px; }
.layout { display: grid; grid-template-columns: 18rem 1fr; gap: 2rem; }
.questions { font-size: .9rem; }
.questions li { margin: .3rem 0; }
.questions .current { font-weight: 700; }
.messages > li { margin-bottom: 1rem; }
dl.facts { display: grid; grid-template-columns: 14rem 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.quotes { margin: .25rem 0 0; padding-left: 1rem; font-size: .9rem; color: var(--muted); }
form label { display: block; margin: .5rem 0 .2rem; font-weight: 600; }
input[type=text] { width: 100%; padding: .3rem; }
form.search { display: flex; gap: .5rem; align-items: baseline; margin: .75rem 0; }
form.search input[type=search] { flex: 1; padding: .3rem; max-width: 36rem; }
form.search button { margin-top: 0; }
.hits > li { margin-bottom: 1rem; }
.hits h3 { margin: 0; }
.hits h3 .muted { font-weight: 400; }
.hits p { margin: .2rem 0; }
mark { background: #fff1a8; color: inherit; padding: 0 .1em; }
button { margin-top: .5rem; padding: .35rem 1rem; }
@media (max-width: 50rem) { .layout, dl.facts { grid-template-columns: 1fr; } }
"""

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


def page(title: str, body: object, root: str, *, head: object = None) -> str:
    """A whole page: the header with the site's links, then *body*."""
    nav = el(
        "nav",
        el("a", "Overview", href=f"{root}/"),
        el("a", "Search", href=f"{root}/search"),
        el("a", "Query", href=f"{root}/query"),
        el("a", "Graph", href=f"{root}/graph"),
        el("a", "SPARQL endpoint", href=f"{root}/sparql", title="SPARQL 1.1 Protocol endpoint"),
    )
    document = el(
        "html",
        el(
            "head",
            el("meta", charset="utf-8"),
            el("meta", name="viewport", content="width=device-width, initial-scale=1"),
            el("title", f"{title} — octograph"),
            el("link", rel="stylesheet", href=f"{root}/octograph.css"),
            el("link", rel="icon", href="data:,"),
            head,
        ),
        el(
            "body",
            el("header", el("a", "octograph", href=f"{root}/", class_="brand"), nav),
            el("main", body),
        ),
        lang="en",
    )
    return "<!DOCTYPE html>\n" + document + "\n"


def error_html(status: int, message: str, root: str) -> str:
    """The page for an error the server answers with *status*."""
    title = f"{status} — {_REASONS.get(status, 'error')}"
    body = [el("h1", title), el("p", message, class_="error", role="alert")]
    return page(title, body, root)


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


# ---------------------------------------------------------------- overview


def _quote_refs(quotes: Sequence[Quote], root: str) -> Html:
    if not quotes:
        return Html("")
    items = [
        el("li", el("a", f"¶{q.number}", href=entity_href(root, q.iri)), " “", q.text, "”")
        for q in quotes
    ]
    return el("ul", items, class_="quotes")


def _facts(links: Sequence[Link], root: str) -> Html:
    grouped: dict[str, list[Link]] = {}
    for link in links:
        name = link.predicate.label or compact(link.predicate.value)
        grouped.setdefault(name, []).append(link)
    rows = []
    for name, group in grouped.items():
        quotes = sorted({q for link in group for q in link.quotes})
        rows.append(el("dt", name))
        rows.append(
            el("dd", join(term(link.other, root) for link in group), _quote_refs(quotes, root))
        )
    return el("dl", rows, class_="facts")


def overview_html(overview: Overview, root: str) -> str:
    """The home page: each report, the event it reports on, its key messages, the counts."""
    body: list[object] = [search_form("", root)]
    for report in overview.reports:
        body.append(el("h1", report.title or report.label))
        if report.description:
            body.append(el("p", report.description))
        body.append(
            el(
                "p",
                el("a", "The report as an entity", href=entity_href(root, report.iri)),
                " · ",
                el("a", "Ask a question", href=f"{root}/query"),
                " · ",
                el("a", "Explore the graph", href=f"{root}/graph"),
            )
        )
        if report.facts:
            body.append(_facts(report.facts, root))
        if report.event is not None:
            event = report.event
            body.append(
                el(
                    "h2",
                    el("a", event.label or compact(event.iri), href=entity_href(root, event.iri)),
                )
            )
            if event.description:
                body.append(el("p", event.description))
            body.append(_facts([link for link in event.outgoing if link.quotes], root))
        body.append(el("h2", f"Key messages ({len(report.messages)})"))
        items = []
        for message in report.messages:
            parts: list[object] = [
                el(
                    "h3",
                    el(
                        "a",
                        f"{message.number}. {message.title}",
                        href=entity_href(root, message.iri),
                    ),
                    el("span", f" — {message.passages} passages", class_="muted"),
                )
            ]
            rows = []
            for label, cells in (
                ("Threats", message.threats),
                ("Instruments", message.instruments),
                ("Remedies", message.remedies),
            ):
                if cells:
                    rows += [el("dt", label), el("dd", join(term(c, root) for c in cells))]
            if rows:
                parts.append(el("dl", rows, class_="facts"))
            items.append(el("li", parts))
        body.append(el("ol", items, class_="messages", role="list"))
    if not overview.reports:
        body.append(el("h1", "octograph"))
        body.append(el("p", "The loaded graph holds no report (no octo:Report)."))
    body.append(el("h2", "Counts"))
    stats = overview.stats
    counts = [
        el("tr", el("th", key.replace("_", " ")), el("td", str(stats.get(key, ""))))
        for key in ("quads", "triples", "graphs", "passages", "key_messages")
    ]
    classes = stats.get("classes")
    if isinstance(classes, Mapping):
        counts += [
            el("tr", el("th", f"octo:{name}"), el("td", str(n))) for name, n in classes.items()
        ]
    body.append(el("table", el("tbody", counts), class_="counts"))
    title = overview.reports[0].label if overview.reports else "octograph"
    return page(title, body, root)


# ---------------------------------------------------------------- entity pages


def _link_rows(links: Sequence[Link], root: str, *, incoming: bool) -> Html:
    rows = []
    for link in links:
        predicate = link.predicate.label or compact(link.predicate.value)
        where: list[object] = [_quote_refs(link.quotes, root)]
        if link.graphs and not link.quotes:
            where.append(el("span", "definition", class_="muted", title=", ".join(link.graphs)))
        rows.append(
            el(
                "tr",
                el("td", term(link.other, root)) if incoming else None,
                el("td", el("span", predicate, title=link.predicate.value)),
                None if incoming else el("td", term(link.other, root)),
                el("td", where),
            )
        )
    head = ["subject", "relation", "stated in"] if incoming else ["relation", "object", "stated in"]
    return el("table", el("thead", el("tr", [el("th", h) for h in head])), el("tbody", rows))


def entity_html(entity: EntityPage, root: str, here: str) -> str:
    """The page of one entity: what it is, its links both ways, and the passages' words."""
    title = entity.label or compact(entity.iri)
    alternates = [
        el("link", rel="alternate", type=media, href=f"{here}?format={name}")
        for name, media in (("turtle", "text/turtle"), ("jsonld", "application/ld+json"))
    ]
    body: list[object] = [
        el("h1", title),
        el("p", el("span", entity.iri, class_="iri-text")),
    ]
    if entity.types:
        body.append(el("p", "A ", join(term(t, root) for t in entity.types), "."))
    if entity.description:
        body.append(el("p", entity.description))
    if entity.quote:
        body.append(el("blockquote", entity.quote))
    if entity.outgoing:
        body += [el("h2", "Links from here"), _link_rows(entity.outgoing, root, incoming=False)]
    if entity.incoming:
        body += [el("h2", "Links to here"), _link_rows(entity.incoming, root, incoming=True)]
    if entity.stated:
        rows = [el("tr", [el("td", term(c, root)) for c in triple]) for triple in entity.stated]
        body += [
            el("h2", "What this passage states"),
            el(
                "table",
                el(
                    "thead", el("tr", el("th", "subject"), el("th", "relation"), el("th", "object"))
                ),
                el("tbody", rows),
            ),
        ]
    downloads = [
        el("a", label, href=f"{here}?format={name}") for name, label in RDF_FORMATS + QUAD_FORMATS
    ]
    body.append(el("p", "This entity as data: ", join(downloads, " · "), class_="muted"))
    return page(title, body, root, head=alternates)


# ---------------------------------------------------------------- the query page


class QueryForm(NamedTuple):
    """What the query page was asked: a SPARQL text or a named question with its values."""

    text: str = ""
    name: str = ""
    params: Mapping[str, str] = {}
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def query_string(self, **extra: str) -> str:
        """The URL query that asks the same again (plus *extra*), to share or download."""
        pairs: list[tuple[str, str]] = []
        if self.name:
            pairs += [("name", self.name), *sorted(self.params.items())]
        else:
            pairs.append(("query", self.text))
            pairs += [("default-graph-uri", g) for g in self.default_graphs]
            pairs += [("named-graph-uri", g) for g in self.named_graphs]
        pairs += list(extra.items())
        return urlencode(pairs)


EXAMPLE = """\
# Every query may use octo:, kg:, rdf:, rdfs:, owl:, xsd:, skos:, dcterms:, prov:, oa:,
# org:, schema: and sh: without declaring them. Or pick a question on the left.
SELECT ?message ?title ?threat WHERE {
  ?message octo:messageNumber ?n ; dcterms:title ?title .
  OPTIONAL { ?message octo:identifiesThreat ?threat }
}
ORDER BY ?n
"""


def _results(table: Table, form: QueryForm, root: str) -> Html:
    if table.kind == "ask":
        summary = el("p", el("strong", "true" if table.boolean else "false"), class_="answer")
        formats = RESULT_FORMATS
        grid = Html("")
    else:
        n = len(table.rows)
        noun = "triple" if table.kind == "graph" else "row"
        summary = el(
            "p",
            f"{n} {noun}{'' if n == 1 else 's'} in {table.seconds * 1000:.0f} ms",
            el("span", " — cut at the server's row limit; there are more", class_="notice")
            if table.truncated
            else None,
            class_="summary",
        )
        formats = RDF_FORMATS if table.kind == "graph" else RESULT_FORMATS
        head = el("thead", el("tr", [el("th", v) for v in table.variables]))
        rows = [el("tr", [el("td", term(c, root)) for c in row]) for row in table.rows]
        grid = el("table", head, el("tbody", rows), class_="results")
    downloads = [
        el("a", label, href=f"{root}/query?{form.query_string(format=name)}", download=True)
        for name, label in formats
    ]
    links: list[object] = ["Download: ", join(downloads, " · ")]
    if not form.name:
        links += [
            " · ",
            el("a", "SPARQL endpoint URL", href=f"{root}/sparql?{form.query_string()}"),
        ]
    return Html(summary + el("p", links, class_="downloads") + grid)


def query_html(
    questions: Mapping[str, NamedQuestion],
    form: QueryForm,
    root: str,
    *,
    table: Table | None = None,
    error: str = "",
) -> str:
    """The query page: named questions to pick, the query text, and the answer as a table."""
    picker = el(
        "ul",
        [
            el(
                "li",
                el(
                    "a",
                    q.title,
                    href=f"{root}/query?{urlencode({'name': q.name})}",
                    title=q.description,
                ),
                class_="current" if q.name == form.name else None,
            )
            for q in questions.values()
        ],
    )
    main: list[object] = [el("h1", "Ask the graph")]
    question = questions.get(form.name) if form.name else None
    if question is not None:
        fields = [el("input", type="hidden", name="name", value=question.name)]
        for p in question.params:
            fields += [
                el(
                    "label",
                    p.name,
                    el("span", f" — {p.description}", class_="muted"),
                    for_=f"p-{p.name}",
                ),
                el(
                    "input",
                    type="text",
                    id=f"p-{p.name}",
                    name=p.name,
                    value=form.params.get(p.name) or p.default or "",
                ),
            ]
        main += [
            el("h2", question.title),
            el("p", question.description),
            el(
                "form",
                fields,
                el("button", "Run this question", type="submit"),
                method="get",
                action=f"{root}/query",
            ),
            el(
                "details",
                el("summary", "Its SPARQL"),
                el("pre", question.sparql),
                el(
                    "p",
                    el(
                        "a",
                        "Edit it as a query",
                        href=f"{root}/query?{urlencode({'query': question.sparql})}",
                    ),
                ),
            ),
        ]
    else:
        hidden = [
            el("input", type="hidden", name="default-graph-uri", value=g)
            for g in form.default_graphs
        ]
        hidden += [
            el("input", type="hidden", name="named-graph-uri", value=g) for g in form.named_graphs
        ]
        main.append(
            el(
                "form",
                el("label", "SPARQL query", for_="query"),
                el("textarea", form.text or EXAMPLE, id="query", name="query", spellcheck="false"),
                hidden,
                el("button", "Run", type="submit"),
                method="get",
                action=f"{root}/query",
            )
        )
    if error:
        main.append(el("p", error, class_="error", role="alert"))
    if table is not None:
        main.append(el("section", el("h2", "Answer"), _results(table, form, root), class_="answer"))
    body = el(
        "div",
        el("aside", el("h2", "Named questions"), picker, class_="questions"),
        el("div", main),
        class_="layout",
    )
    title = question.title if question is not None else "Query"
    return page(title, body, root)


# ---------------------------------------------------------------- the search page


def search_form(text: str, root: str) -> Html:
    """The search box: words, "a phrase", prefix*; it asks ``/search?q=``."""
    return el(
        "form",
        el(
            "input",
            type="search",
            name="q",
            value=text,
            aria_label="Search the passages",
            placeholder='Search the passages: words, "a phrase", prefix*',
        ),
        el("button", "Search", type="submit"),
        method="get",
        action=f"{root}/search",
        role="search",
        class_="search",
    )


def highlight(snippet: str) -> Html:
    """A snippet with its matches in ``<mark>``, every other character escaped.

    >>> highlight("a <b> \x02match\x03 …")
    'a &lt;b&gt; <mark>match</mark> …'
    """
    first, *rest = snippet.split(MARK_START)
    parts: list[object] = [first.replace(MARK_END, "")]
    for chunk in rest:
        marked, _, after = chunk.partition(MARK_END)
        parts += [el("mark", marked), after.replace(MARK_END, "")]
    return join(parts, "")


def _hit(hit: Hit, root: str) -> Html:
    report = hit.report.rsplit("/", 1)[-1]
    where: list[object] = [" — "]
    if hit.message is not None:
        where += [f"key message {hit.message}", ", "]
    where.append(el("a", report, href=entity_href(root, hit.report), title=hit.report))
    stated = [term(Cell("uri", iri, label), root) for iri, label in hit.entities]
    return el(
        "li",
        el(
            "h3",
            el("a", f"¶{hit.number}", href=entity_href(root, hit.passage), title=hit.passage),
            el("span", where, class_="muted"),
        ),
        el("p", highlight(hit.snippet), class_="snippet"),
        el("p", el("span", "States: ", class_="muted"), join(stated), class_="states")
        if stated
        else None,
    )


def search_html(
    text: str,
    root: str,
    *,
    hits: Sequence[Hit] | None = None,
    truncated: bool = False,
    error: str = "",
) -> str:
    """The search page: the box, then the passages found, best first, with what they state."""
    main: list[object] = [el("h1", "Search the passages"), search_form(text, root)]
    if error:
        main.append(el("p", error, class_="error", role="alert"))
    if hits is not None:
        n = len(hits)
        as_json = f"{root}/search?{urlencode({'q': text, 'format': 'json'})}"
        main.append(
            el(
                "p",
                f"{n} passage{'' if n == 1 else 's'}",
                el("span", f" — the best {n}; there are more", class_="notice")
                if truncated
                else None,
                " · ",
                el("a", "as JSON", href=as_json),
                class_="summary",
            )
        )
        main.append(el("ol", [_hit(h, root) for h in hits], class_="hits"))
    else:
        main.append(
            el(
                "p",
                'All words must occur in a passage; "quotes" keep a phrase together and a '
                "star ends a prefix (invest* finds investigation). The best matches come first.",
                class_="muted",
            )
        )
    return page(f"{text} — search" if text else "Search", main, root)
