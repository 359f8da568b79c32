"""The ontology read into plain objects: its terms, their hierarchy, examples from the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from octograph.namespaces import OCTO, ONTOLOGY, ONTOLOGY_GRAPH, PREFIXES

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = [
    "EXAMPLES_PER_CLASS",
    "ClassDoc",
    "Example",
    "OntologyDoc",
    "PropertyDoc",
    "TermDoc",
    "collect",
    "curie",
]

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
        """The documented octo: class *iri*, if it is one."""
        return next((c for c in self.classes if c.iri == iri), None)


# ---------------------------------------------------------------- reading the graph


def _rows(kg: KnowledgeGraph, query: str) -> list[dict[str, ox.NamedNode | ox.Literal | None]]:
    result = kg.engine.query(query, {})
    out = []
    for sol in result.rows:
        row = {}
        for n, term in zip(result.variables, sol, strict=True):
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
    return OntologyDoc(
        title=_s(head.get("title")) or "octograph ontology",
        comment=_s(head.get("comment")),
        version_iri=_s(head.get("vi")),
        version=_s(head.get("v")),
        license=_s(head.get("lic")),
        classes=_classes(kg, labels),
        properties=_properties(kg, labels),
        individuals=_terms(kg, "owl:NamedIndividual", own=True),
        reused=_terms(
            kg,
            "owl:Class rdfs:Class owl:ObjectProperty owl:DatatypeProperty "
            "owl:AnnotationProperty rdf:Property",
            own=False,
        ),
    )


def _classes(kg: KnowledgeGraph, labels: dict[str, str]) -> list[ClassDoc]:
    """The octo: classes with their super- and subclasses and a few instances each."""
    supers = _multi(kg, "rdfs:subClassOf")
    classes = [
        ClassDoc(**vars(term), supers=supers.get(term.iri, []))
        for term in _terms(kg, "owl:Class", own=True)
    ]
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
    return classes


def _properties(kg: KnowledgeGraph, labels: dict[str, str]) -> list[PropertyDoc]:
    """The octo: properties with domain, range, super-properties and one example each."""
    domains = _multi(kg, "rdfs:domain")
    ranges = _multi(kg, "rdfs:range")
    super_props = _multi(kg, "rdfs:subPropertyOf")
    functional = {
        _s(r["p"])
        for r in _rows(
            kg, f"SELECT ?p WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?p a owl:FunctionalProperty }} }}"
        )
    }
    examples = _examples(kg, labels)
    kinds = "owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty"
    return [
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
