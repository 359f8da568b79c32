"""The ontology as documentation: an HTML page with examples from the data, and an SVG diagram.

``collect`` reads the loaded graph into plain objects (tests inspect those); ``render_html``
and ``render_svg`` turn them into text; ``write_docs`` writes ``index.html`` and
``model.svg``. Written with the standard library rather than pyLODE: pyLODE documents the
ontology alone (no instances, no quotes from the data) and brings httpx and five more
packages with it. The page is self-contained (the diagram is inline, the style embedded) and
works offline.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from octograph.namespaces import ID, OCTO, ONTOLOGY, ONTOLOGY_GRAPH, PREFIXES

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = [
    "ClassDoc",
    "Example",
    "OntologyDoc",
    "PropertyDoc",
    "TermDoc",
    "collect",
    "render_html",
    "render_svg",
    "write_docs",
]

OWL = PREFIXES["owl"]
EXAMPLES_PER_CLASS = 3
_LONG = 160  # literals longer than this are cut in examples (octo:content is the whole text)


@dataclass
class Example:
    """One triple that uses a property, and where it is stated."""

    subject: str
    subject_label: str
    object: str
    object_label: str
    graph: str
    object_is_iri: bool = True
    passage_number: int | None = None
    quote: str | None = None


@dataclass
class TermDoc:
    """A term declared in the ontology graph: IRI, kind, label and comment."""

    iri: str
    kind: str
    label: str
    comment: str
    defined_by: str = ""


@dataclass
class ClassDoc(TermDoc):
    """An octo: class, where it sits in the hierarchy, and instances from the data."""

    supers: list[str] = field(default_factory=list)
    subs: list[str] = field(default_factory=list)
    instance_count: int = 0
    instances: list[tuple[str, str]] = field(default_factory=list)  # (IRI, label)


@dataclass
class PropertyDoc(TermDoc):
    """An octo: property with its domain, range, super-properties and one example."""

    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    supers: list[str] = field(default_factory=list)
    functional: bool = False
    example: Example | None = None


@dataclass
class OntologyDoc:
    """Everything the documentation shows, read from one knowledge graph."""

    title: str
    comment: str
    version_iri: str
    version: str
    license: str
    classes: list[ClassDoc]
    properties: list[PropertyDoc]
    individuals: list[TermDoc]
    reused: list[TermDoc]

    def klass(self, iri: str) -> ClassDoc | None:
        return next((c for c in self.classes if c.iri == iri), None)


# ---------------------------------------------------------------- reading the graph


def _rows(kg: KnowledgeGraph, query: str) -> list[dict[str, ox.NamedNode | ox.Literal | None]]:
    result = kg.engine.query(query, {})
    names = result.variables
    out = []
    for sol in result.rows:
        row = {}
        for n, term in zip(names, sol, strict=True):
            row[n] = term if isinstance(term, ox.NamedNode | ox.Literal) else None
        out.append(row)
    return out


def _s(term: ox.NamedNode | ox.Literal | None) -> str:
    return "" if term is None else term.value


def curie(iri: str) -> str:
    """*iri* as a CURIE with octograph's prefixes, or in full.

    >>> curie("https://w3id.org/octograph/ontology#Threat"), curie("https://w3id.org/octograph/id/france")
    ('octo:Threat', 'kg:france')
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _labels(kg: KnowledgeGraph) -> dict[str, str]:
    rows = _rows(
        kg,
        """SELECT ?x ?l WHERE {
            ?x rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "")
        } ORDER BY ?x ?l""",
    )
    labels: dict[str, str] = {}
    for row in rows:
        labels.setdefault(_s(row["x"]), _s(row["l"]))
    return labels


def _terms(kg: KnowledgeGraph, kinds: str, own: bool) -> list[TermDoc]:
    test = f"?d = <{ONTOLOGY}>" if own else f"?d != <{ONTOLOGY}>"
    rows = _rows(
        kg,
        f"""SELECT ?t ?kind ?label ?comment ?d WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
            VALUES ?kind {{ {kinds} }}
            ?t a ?kind ; rdfs:isDefinedBy ?d .
            FILTER({test})
            OPTIONAL {{ ?t rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }}
            OPTIONAL {{ ?t rdfs:comment ?comment FILTER(LANGMATCHES(LANG(?comment), "en")) }}
        }} }} ORDER BY ?t ?kind""",
    )
    seen: dict[str, TermDoc] = {}
    for row in rows:
        iri = _s(row["t"])
        if iri in seen:
            continue
        seen[iri] = TermDoc(
            iri, curie(_s(row["kind"])), _s(row["label"]), _s(row["comment"]), _s(row["d"])
        )
    return sorted(seen.values(), key=lambda t: t.iri)


def _multi(kg: KnowledgeGraph, predicate: str) -> dict[str, list[str]]:
    rows = _rows(
        kg,
        f"SELECT ?s ?o WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s {predicate} ?o }} }} ORDER BY ?s ?o",
    )
    out: dict[str, list[str]] = {}
    for row in rows:
        if isinstance(row["o"], ox.NamedNode):
            out.setdefault(_s(row["s"]), []).append(_s(row["o"]))
    return out


def _examples(kg: KnowledgeGraph, labels: dict[str, str]) -> dict[str, Example]:
    """One triple per octo: property: the earliest passage that states it, else any graph."""
    rows = _rows(
        kg,
        f"""SELECT ?p ?s ?o ?g ?n ?quote WHERE {{
            GRAPH ?g {{ ?s ?p ?o }}
            FILTER(STRSTARTS(STR(?p), "{OCTO}") && ?g != <{ONTOLOGY_GRAPH}>)
            OPTIONAL {{
                ?g a octo:Passage ; octo:passageNumber ?n ;
                   oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?quote ]
            }}
        }}""",
    )
    best: dict[str, tuple[tuple[int, int, str, str, str], Example]] = {}
    for row in rows:
        s, o, g = row["s"], row["o"], _s(row["g"])
        if not isinstance(s, ox.NamedNode) or o is None:
            continue
        number = int(_s(row["n"])) if row["n"] is not None else None
        if isinstance(o, ox.Literal):
            text = o.value if len(o.value) <= _LONG else o.value[: _LONG - 1] + "…"
            obj, obj_label = text, ""
        else:
            obj, obj_label = o.value, labels.get(o.value, "")
        example = Example(
            s.value,
            labels.get(s.value, ""),
            obj,
            obj_label,
            g,
            isinstance(o, ox.NamedNode),
            number,
            _s(row["quote"]) or None,
        )
        key = (0 if number is not None else 1, number or 0, s.value, obj, g)
        p = _s(row["p"])
        if p not in best or key < best[p][0]:
            best[p] = (key, example)
    return {p: ex for p, (_key, ex) in best.items()}


def collect(kg: KnowledgeGraph) -> OntologyDoc:
    """Read the ontology and examples of its use from *kg* (pure: writes nothing).

    >>> from octograph import load
    >>> doc = collect(load())
    >>> doc.klass("https://w3id.org/octograph/ontology#Treaty").supers
    ['https://w3id.org/octograph/ontology#Instrument']
    """
    labels = _labels(kg)
    [head] = _rows(
        kg,
        f"""SELECT ?title ?comment ?vi ?v ?lic WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
            OPTIONAL {{ <{ONTOLOGY}> dcterms:title ?title }}
            OPTIONAL {{ <{ONTOLOGY}> rdfs:comment ?comment }}
            OPTIONAL {{ <{ONTOLOGY}> owl:versionIRI ?vi }}
            OPTIONAL {{ <{ONTOLOGY}> owl:versionInfo ?v }}
            OPTIONAL {{ <{ONTOLOGY}> dcterms:license ?lic }}
        }} }} LIMIT 1""",
    ) or [{}]
    supers = _multi(kg, "rdfs:subClassOf")
    domains = _multi(kg, "rdfs:domain")
    ranges = _multi(kg, "rdfs:range")
    super_props = _multi(kg, "rdfs:subPropertyOf")
    functional = {
        _s(r["p"])
        for r in _rows(
            kg, f"SELECT ?p WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?p a owl:FunctionalProperty }} }}"
        )
    }

    classes: list[ClassDoc] = []
    for term in _terms(kg, "owl:Class", own=True):
        classes.append(ClassDoc(**vars(term), supers=supers.get(term.iri, [])))
    by_iri = {c.iri: c for c in classes}
    for c in classes:
        for sup in c.supers:
            if sup in by_iri:
                by_iri[sup].subs.append(c.iri)

    instances: dict[str, list[tuple[str, str]]] = {}
    for row in _rows(
        kg,
        f"""SELECT DISTINCT ?c ?x WHERE {{
            ?x a ?c FILTER(STRSTARTS(STR(?c), "{OCTO}") && isIRI(?x)) }}""",
    ):
        iri = _s(row["x"])
        instances.setdefault(_s(row["c"]), []).append((iri, labels.get(iri, "")))
    for c in classes:
        found = sorted(instances.get(c.iri, []), key=lambda x: (x[1] == "", x[1].casefold(), x[0]))
        c.instance_count = len(found)
        c.instances = found[:EXAMPLES_PER_CLASS]

    examples = _examples(kg, labels)
    kinds = "owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty"
    properties = [
        PropertyDoc(
            **vars(term),
            domains=domains.get(term.iri, []),
            ranges=ranges.get(term.iri, []),
            supers=super_props.get(term.iri, []),
            functional=term.iri in functional,
            example=examples.get(term.iri),
        )
        for term in _terms(kg, kinds, own=True)
    ]
    return OntologyDoc(
        title=_s(head.get("title")) or "octograph ontology",
        comment=_s(head.get("comment")),
        version_iri=_s(head.get("vi")),
        version=_s(head.get("v")),
        license=_s(head.get("lic")),
        classes=classes,
        properties=properties,
        individuals=_terms(kg, "owl:NamedIndividual", own=True),
        reused=_terms(
            kg,
            "owl:Class rdfs:Class owl:ObjectProperty owl:DatatypeProperty "
            "owl:AnnotationProperty rdf:Property",
            own=False,
        ),
    )


# ---------------------------------------------------------------- HTML

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d2430; }
h1, h2, h3 { line-height: 1.2; } h3 { margin-bottom: .2rem; }
code { font-size: 90%; background: #f2f4f7; padding: 0 .2em; border-radius: 3px; }
section.term { border-top: 1px solid #dde2ea; padding: .3rem 0 .8rem; }
dl { display: grid; grid-template-columns: 10rem 1fr; gap: .15rem 1rem; margin: .4rem 0; }
dt { color: #5b6676; } dd { margin: 0; }
blockquote { margin: .2rem 0 0; padding-left: .8rem; border-left: 3px solid #9db4d6;
             color: #394556; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left;
        vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #e5e9ef; }
nav ul { columns: 3; } figure { margin: 0; overflow-x: auto; }
"""


def _ref(iri: str, doc: OntologyDoc) -> str:
    """A link to the term's section when it is documented here, else its CURIE."""
    local = iri[len(OCTO) :] if iri.startswith(OCTO) else None
    if local is not None and (doc.klass(iri) or any(p.iri == iri for p in doc.properties)):
        return f'<a href="#{escape(local)}"><code>{escape(curie(iri))}</code></a>'
    return f"<code>{escape(curie(iri))}</code>"


def _node(iri: str, label: str) -> str:
    shown = f"{escape(label)} " if label else ""
    return f"{shown}<code>{escape(curie(iri))}</code>"


def _example_html(p: PropertyDoc) -> str:
    ex = p.example
    if ex is None:
        return "<dd>not used in the loaded data</dd>"
    obj = _node(ex.object, ex.object_label) if ex.object_is_iri else f"“{escape(ex.object)}”"
    triple = f"{_node(ex.subject, ex.subject_label)} → <code>{escape(curie(p.iri))}</code> → {obj}"
    if ex.quote is not None:
        where = (
            f"<blockquote>¶{ex.passage_number}: “{escape(ex.quote)}”</blockquote>"
            f" <small>(graph <code>{escape(curie(ex.graph))}</code>)</small>"
        )
    else:
        where = f"<br><small>in graph <code>{escape(curie(ex.graph))}</code></small>"
    return f"<dd>{triple}{where}</dd>"


def render_html(doc: OntologyDoc, svg: str) -> str:
    """The documentation page: header, diagram (*svg*, inline), classes, properties, reused."""
    out: list[str] = []
    add = out.append
    add("<!DOCTYPE html>")
    add('<html lang="en"><head><meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add(f"<title>{escape(doc.title)}</title><style>{_STYLE}</style></head><body>")
    add(f"<h1>{escape(doc.title)}</h1>")
    add(f"<p>{escape(doc.comment)}</p>")
    add("<dl>")
    add(f"<dt>namespace</dt><dd><code>{escape(OCTO)}</code> (prefix <code>octo:</code>)</dd>")
    if doc.version_iri:
        add(
            f"<dt>version</dt><dd><code>{escape(doc.version_iri)}</code> {escape(doc.version)}</dd>"
        )
    if doc.license:
        add(f'<dt>licence</dt><dd><a href="{escape(doc.license)}">{escape(doc.license)}</a></dd>')
    add(f"<dt>entities</dt><dd><code>{escape(ID)}</code> (prefix <code>kg:</code>)</dd>")
    add("</dl>")
    add("<p>Generated by <code>octograph docs</code> from the ontology and the loaded data; ")
    add("examples are taken from the data, with the passage of the report that states them.</p>")

    object_props = [p for p in doc.properties if p.kind == "owl:ObjectProperty"]
    other_props = [p for p in doc.properties if p.kind != "owl:ObjectProperty"]
    add("<nav><h2>Contents</h2><ul>")
    add('<li><a href="#diagram">Diagram</a></li><li><a href="#classes">Classes</a></li>')
    add('<li><a href="#object-properties">Object properties</a></li>')
    add('<li><a href="#datatype-properties">Datatype properties</a></li>')
    add('<li><a href="#individuals">Individuals</a></li>')
    add('<li><a href="#reused">Terms reused</a></li></ul></nav>')

    add('<h2 id="diagram">Diagram</h2>')
    add("<p>Top classes as boxes (their subclasses listed inside), object properties as arrows ")
    add("from domain to range; properties without a declared domain or range are in the ")
    add("tables only. The same drawing is in <code>model.svg</code>.</p>")
    add(f"<figure>{svg}</figure>")

    add(f'<h2 id="classes">Classes ({len(doc.classes)})</h2>')
    for c in doc.classes:
        local = c.iri[len(OCTO) :]
        add(f'<section class="term" id="{escape(local)}">')
        add(f"<h3>{escape(c.label)} <small><code>{escape(curie(c.iri))}</code></small></h3>")
        add(f"<p>{escape(c.comment)}</p><dl>")
        add(f"<dt>IRI</dt><dd><code>{escape(c.iri)}</code></dd>")
        if c.supers:
            add(f"<dt>subclass of</dt><dd>{', '.join(_ref(s, doc) for s in c.supers)}</dd>")
        if c.subs:
            add(f"<dt>subclasses</dt><dd>{', '.join(_ref(s, doc) for s in sorted(c.subs))}</dd>")
        dom = [p.iri for p in doc.properties if c.iri in p.domains]
        rng = [p.iri for p in doc.properties if c.iri in p.ranges]
        if dom:
            add(f"<dt>domain of</dt><dd>{', '.join(_ref(p, doc) for p in dom)}</dd>")
        if rng:
            add(f"<dt>range of</dt><dd>{', '.join(_ref(p, doc) for p in rng)}</dd>")
        shown = ", ".join(_node(i, lab) for i, lab in c.instances)
        more = f" (of {c.instance_count})" if c.instance_count > len(c.instances) else ""
        add(f"<dt>instances</dt><dd>{shown or 'none directly in the loaded data'}{more}</dd>")
        add("</dl></section>")

    for anchor, title, props in (
        ("object-properties", "Object properties", object_props),
        ("datatype-properties", "Datatype and annotation properties", other_props),
    ):
        add(f'<h2 id="{anchor}">{title} ({len(props)})</h2>')
        for p in props:
            local = p.iri[len(OCTO) :]
            add(f'<section class="term" id="{escape(local)}">')
            add(f"<h3>{escape(p.label)} <small><code>{escape(curie(p.iri))}</code></small></h3>")
            add(f"<p>{escape(p.comment)}</p><dl>")
            add(f"<dt>IRI</dt><dd><code>{escape(p.iri)}</code></dd>")
            kind = p.kind + (", owl:FunctionalProperty" if p.functional else "")
            add(f"<dt>kind</dt><dd><code>{escape(kind)}</code></dd>")
            if p.domains:
                add(f"<dt>domain</dt><dd>{', '.join(_ref(d, doc) for d in p.domains)}</dd>")
            if p.ranges:
                add(f"<dt>range</dt><dd>{', '.join(_ref(r, doc) for r in p.ranges)}</dd>")
            if p.supers:
                add(f"<dt>subproperty of</dt><dd>{', '.join(_ref(s, doc) for s in p.supers)}</dd>")
            add("<dt>example</dt>" + _example_html(p))
            add("</dl></section>")

    add(f'<h2 id="individuals">Individuals ({len(doc.individuals)})</h2><table>')
    add("<tr><th>individual</th><th>label</th><th>comment</th></tr>")
    for t in doc.individuals:
        row = f"<td><code>{escape(curie(t.iri))}</code></td><td>{escape(t.label)}</td>"
        add(f"<tr>{row}<td>{escape(t.comment)}</td></tr>")
    add("</table>")

    add(f'<h2 id="reused">Terms reused from other vocabularies ({len(doc.reused)})</h2>')
    add("<p>Declared in the ontology so that every term the data use is declared there; each ")
    add("stays defined by its own vocabulary.</p><table>")
    add("<tr><th>term</th><th>kind</th><th>label</th><th>use here</th><th>defined by</th></tr>")
    for t in doc.reused:
        cells = [curie(t.iri), t.kind, t.label, t.comment, t.defined_by]
        add("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in cells) + "</tr>")
    add("</table></body></html>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- SVG diagram

_CHAR = 7.2  # average glyph width of the 12px sans-serif text, for sizing boxes
_LINE = 15.0


@dataclass
class _Box:
    iri: str
    title: str
    lines: list[str]
    x: float = 0.0
    y: float = 0.0

    @property
    def width(self) -> float:
        longest = max([len(self.title) + 2, *(len(line) for line in self.lines)])
        return 16 + _CHAR * longest

    @property
    def height(self) -> float:
        return 10 + _LINE * (1 + len(self.lines))

    def border(self, tx: float, ty: float) -> tuple[float, float]:
        """Where the line from the centre towards (tx, ty) leaves the box."""
        dx, dy = tx - self.x, ty - self.y
        if dx == 0 and dy == 0:
            return self.x, self.y
        scale = min(
            (self.width / 2) / abs(dx) if dx else math.inf,
            (self.height / 2) / abs(dy) if dy else math.inf,
        )
        return self.x + dx * scale, self.y + dy * scale


def _top(doc: OntologyDoc, iri: str) -> str:
    """The top octo: class above *iri* (itself when it has no octo: superclass)."""
    seen = {iri}
    current = iri
    while True:
        c = doc.klass(current)
        parent = next((s for s in (c.supers if c else []) if doc.klass(s)), None)
        if parent is None or parent in seen:
            return current
        seen.add(parent)
        current = parent


def _wrap(words: list[str], width: int) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 2 + len(word) <= width:
            lines[-1] += ", " + word
        else:
            lines.append(word)
    return lines


def _layout(boxes: dict[str, _Box], arrows: dict[tuple[str, str], list[str]]) -> None:
    """Place the boxes: the most connected one in the centre, the others on a circle around
    it, each next to the one it is most connected with so that arrows stay short."""
    weight: dict[tuple[str, str], int] = {}
    for (d, r), names in arrows.items():
        if d != r:
            for key in ((d, r), (r, d)):
                weight[key] = weight.get(key, 0) + len(names)

    def degree(iri: str) -> tuple[int, int]:
        # Distinct neighbours first: the hub is what most other classes connect to.
        links = [w for (a, _b), w in weight.items() if a == iri]
        return len(links), sum(links)

    order = sorted(boxes, key=lambda i: (tuple(-x for x in degree(i)), i))
    if not order:
        return
    centre, ring = order[0], order[1:]
    placed: list[str] = []
    rest = list(ring)
    while rest:
        # The next box is the one most tied to the last two placed (ties: more connected,
        # then IRI order), which keeps neighbours in the model neighbours on the circle.
        recent = placed[-2:]
        nxt = min(
            rest,
            key=lambda i: (
                -sum(weight.get((i, j), 0) * (2 if j == recent[-1] else 1) for j in recent),
                tuple(-x for x in degree(i)),
                i,
            ),
        )
        placed.append(nxt)
        rest.remove(nxt)
    # Each box gets an arc as long as it is wide (plus a gap), so neighbours never overlap.
    arcs = [boxes[i].width + 70 for i in placed]
    radius = max(320.0, sum(arcs) / (2 * math.pi))
    boxes[centre].x = boxes[centre].y = 0.0
    angle = -math.pi / 2 - arcs[0] / 2 / radius
    for iri, arc in zip(placed, arcs, strict=True):
        angle += arc / 2 / radius
        boxes[iri].x = radius * math.cos(angle)
        boxes[iri].y = radius * math.sin(angle)
        angle += arc / 2 / radius


def render_svg(doc: OntologyDoc) -> str:
    """The model as SVG: top classes as boxes, object properties as labelled arrows.

    Deterministic: the layout depends on the ontology only, so the same ontology gives the
    same drawing.
    """
    tops = sorted({_top(doc, c.iri) for c in doc.classes})
    boxes: dict[str, _Box] = {}
    for iri in tops:
        c = doc.klass(iri)
        assert c is not None
        under = sorted(
            d.iri[len(OCTO) :] for d in doc.classes if d.iri != iri and _top(doc, d.iri) == iri
        )
        boxes[iri] = _Box(iri, c.iri[len(OCTO) :], _wrap(under, 26))

    # One arrow per (domain box, range box) pair, labelled with every property it carries.
    arrows: dict[tuple[str, str], list[str]] = {}
    for p in doc.properties:
        if p.kind != "owl:ObjectProperty":
            continue
        for d in p.domains:
            for r in p.ranges:
                if doc.klass(d) and doc.klass(r):
                    key = (_top(doc, d), _top(doc, r))
                    arrows.setdefault(key, []).append(p.iri[len(OCTO) :])
    _layout(boxes, arrows)

    out: list[str] = []
    add = out.append
    add(
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#4a5b78"/></marker></defs>'
    )
    add('<g class="properties" fill="none" stroke="#4a5b78" stroke-width="1.2">')
    labels: list[tuple[str, float, float, float]] = []  # (markup, x, y, width)
    for (d, r), names in sorted(arrows.items()):
        text = ", ".join(sorted(names))
        tip = f"<title>{escape(curie(d))} → {escape(curie(r))}: {escape(text)}</title>"
        if d == r:
            box = boxes[d]
            x0, y0 = box.x + box.width / 2, box.y - 4
            path = f"M{x0:.1f},{y0:.1f} c 45,-50 45,40 0,8"
            add(f'<path d="{path}" marker-end="url(#arrow)">{tip}</path>')
            lx, ly = x0 + 38, y0 - 14
        else:
            a, b = boxes[d], boxes[r]
            x1, y1 = a.border(b.x, b.y)
            x2, y2 = b.border(a.x, a.y)
            # A pair with arrows both ways bends each aside so that the two do not overlap.
            bend = 28.0 if (r, d) in arrows else 0.0
            length = math.hypot(x2 - x1, y2 - y1) or 1.0
            nx_, ny_ = -(y2 - y1) / length, (x2 - x1) / length
            cx, cy = (x1 + x2) / 2 + bend * nx_, (y1 + y2) / 2 + bend * ny_
            path = f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}"
            add(f'<path d="{path}" marker-end="url(#arrow)">{tip}</path>')
            lx, ly = (x1 + 2 * cx + x2) / 4, (y1 + 2 * cy + y2) / 4
        markup = (
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" fill="#2c3e5c" '
            f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(text)}</text>'
        )
        labels.append((markup, lx, ly, 6.6 * len(text)))
    add("</g>")
    add('<g class="classes">')
    for box in boxes.values():
        left, top = box.x - box.width / 2, box.y - box.height / 2
        add(f'<g id="class-{escape(box.title)}"><title>{escape(curie(box.iri))}</title>')
        add(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{box.width:.1f}" '
            f'height="{box.height:.1f}" rx="6" fill="#eef3fb" stroke="#4a5b78"/>'
        )
        add(
            f'<text x="{box.x:.1f}" y="{top + 18:.1f}" text-anchor="middle" '
            f'font-weight="bold">{escape(box.title)}</text>'
        )
        for k, line in enumerate(box.lines):
            add(
                f'<text x="{box.x:.1f}" y="{top + 18 + _LINE * (k + 1):.1f}" '
                f'text-anchor="middle" fill="#4a5568">{escape(line)}</text>'
            )
        add("</g>")
    add("</g>")
    add('<g class="labels" font-size="11">')
    out.extend(text for text, _x, _y, _w in labels)
    add("</g></svg>")
    # The canvas is what the boxes and labels cover, with a margin.
    xs = [b.x - b.width / 2 for b in boxes.values()] + [x - w / 2 for _t, x, _y, w in labels]
    xe = [b.x + b.width / 2 for b in boxes.values()] + [x + w / 2 for _t, x, _y, w in labels]
    ys = [b.y - b.height / 2 for b in boxes.values()] + [y - 12 for _t, _x, y, _w in labels]
    ye = [b.y + b.height / 2 for b in boxes.values()] + [y + 4 for _t, _x, y, _w in labels]
    left, top = min(xs, default=0) - 20, min(ys, default=0) - 20
    width, height = max(xe, default=0) + 20 - left, max(ye, default=0) + 20 - top
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.0f} {top:.0f} '
        f'{width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        'font-family="sans-serif" font-size="12" role="img" aria-label="octograph model">'
    )
    return "\n".join([head, *out]) + "\n"


# ---------------------------------------------------------------- writing


def write_docs(
    kg_or_paths: KnowledgeGraph | Sequence[str | os.PathLike[str]] | None,
    out_dir: str | os.PathLike[str],
) -> list[Path]:
    """Write ``index.html`` and ``model.svg`` documenting the ontology into *out_dir*.

    *kg_or_paths* is a loaded graph, or data files and folders to load (``None``: the
    bundled reports). Each file is written atomically; *out_dir* must exist.

    Raises:
        OutputError: *out_dir* does not exist or is not writable (nothing is written).
    """
    from octograph.errors import OutputError
    from octograph.graph.load import KnowledgeGraph, load
    from octograph.output import write_atomic

    folder = Path(out_dir)
    if not folder.is_dir():
        raise OutputError("folder does not exist", path=str(folder))
    kg = kg_or_paths if isinstance(kg_or_paths, KnowledgeGraph) else load(kg_or_paths)
    doc = collect(kg)
    svg = render_svg(doc)
    written = []
    for name, text in (("model.svg", svg), ("index.html", render_html(doc, svg))):
        target = folder / name
        write_atomic(target, text.encode("utf-8"))
        written.append(target)
    return written
