"""Checks the graph: SHACL shapes, quotes at their offsets, declared terms, labels, provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from octograph.errors import StoreError
from octograph.graph.load import bundled_shapes
from octograph.graph.modality import modality_problems
from octograph.namespaces import ID, ONTOLOGY_GRAPH, PREFIXES

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["CHECKS", "Problem", "ValidationReport", "validate"]

CHECKS = (
    "shacl",
    "quotes",
    "text",
    "declared",
    "labels",
    "passages",
    "provenance",
    "modality",
    "unfinished",
    "skos",
)

# Built-in terms every RDF tool knows; everything else the data use must be in the ontology.
_BUILTIN = {
    PREFIXES["rdf"] + "type",
    PREFIXES["rdfs"] + "label",
    PREFIXES["rdfs"] + "comment",
    PREFIXES["rdfs"] + "seeAlso",
    PREFIXES["rdfs"] + "isDefinedBy",
}
# Classes whose instances are things a report talks about (they need a passage that states them).
_ENTITY_CLASSES = (
    "Threat",
    "Instrument",
    "Stakeholder",
    "Remedy",
    "Value",
    "Event",
    "Tension",
    "Example",
    "Place",
    "Project",
    "Conference",
    "Figure",
)


@dataclass(frozen=True)
class Problem:
    """One failed check: which check, about which node, and what is wrong."""

    check: str
    focus: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.focus}: {self.message}"


@dataclass
class ValidationReport:
    """The outcome of ``validate``: ``ok`` when every check holds, else the problems found."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        """A readable summary: one line per problem, then a line per check."""
        lines = [str(p) for p in self.problems]
        for check in CHECKS:
            n = sum(1 for p in self.problems if p.check == check)
            lines.append(
                f"{check:<11} {'ok' if n == 0 else f'{n} problem(s)'}"
                f"  ({self.counts.get(check, 0)} checked)"
            )
        lines.append("valid" if self.ok else f"invalid: {len(self.problems)} problem(s)")
        return "\n".join(lines)


Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]


def _v(row: Row, key: str) -> str:
    term = row.get(key)
    return "" if term is None else term.value


def _select(kg: KnowledgeGraph, query: str) -> list[Row]:
    answer = kg.engine.query(query, {})
    return [dict(zip(answer.variables, row, strict=True)) for row in answer.rows]


def _shacl(kg: KnowledgeGraph, report: ValidationReport) -> None:
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    for triple in kg.dataset.triples((None, None, None)):
        data.add(triple)
    shapes = rdflib.Graph().parse(bundled_shapes(), format="turtle")
    _conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    sh = rdflib.Namespace(PREFIXES["sh"])
    checked = 0
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        message = results.value(result, sh.resultMessage)
        where = f" ({_curie(str(path))})" if path is not None else ""
        report.problems.append(Problem("shacl", _curie(str(focus)), f"{message}{where}"))
    for _ in data.subjects(rdflib.RDF.type, None):
        checked += 1
    report.counts["shacl"] = checked


def _curie(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>" if "://" in iri else iri


def _quotes(kg: KnowledgeGraph, report: ValidationReport) -> None:
    rows = _select(
        kg,
        """
        SELECT ?passage ?content ?exact ?prefix ?suffix ?start ?end WHERE {
            ?passage a octo:Passage ; oa:hasSource ?text .
            OPTIONAL { ?text octo:content ?content }
            OPTIONAL { ?passage oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?exact .
                       OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix } }
            OPTIONAL { ?passage oa:hasSelector ?p . ?p a oa:TextPositionSelector ;
                       oa:start ?start ; oa:end ?end }
        }""",
    )
    report.counts["quotes"] = len(rows)
    _own_text(kg, report)
    for row in rows:
        focus = _curie(_v(row, "passage"))
        if "content" not in row or row.get("content") is None:
            report.problems.append(Problem("quotes", focus, "its source text has no octo:content"))
        elif row.get("exact") is not None and row.get("start") is not None:
            # (Without a selector or with an ill-typed offset, SHACL reports it.)
            report.problems.extend(Problem("quotes", focus, m) for m in _quote_problems(row))


def _text(kg: KnowledgeGraph, report: ValidationReport) -> None:
    """report.txt and the octo:content literal beside it agree to the character."""
    from octograph.graph.source_text import REPORT_TEXT, text_problems

    report.problems.extend(Problem("text", path, m) for path, m in text_problems(kg.files))
    report.counts["text"] = len({p.parent for p in kg.files if (p.parent / REPORT_TEXT).is_file()})


def _own_text(kg: KnowledgeGraph, report: ValidationReport) -> None:
    """A passage quotes its own report's text: questions find a report's passages by it."""
    for row in _select(
        kg,
        """
        SELECT ?passage ?text WHERE {
            ?passage a octo:Passage ; oa:hasSource ?text ; octo:inReport ?report .
            ?report octo:sourceText ?own .
            FILTER (?text != ?own)
        }""",
    ):
        report.problems.append(
            Problem(
                "quotes",
                _curie(_v(row, "passage")),
                f"quotes {_curie(_v(row, 'text'))}, not the source text of its report",
            )
        )


def _quote_problems(row: Row) -> list[str]:
    """What is wrong with one quote: the text at its offsets, its prefix, its suffix."""
    content, exact = _v(row, "content"), _v(row, "exact")
    try:
        start, end = int(_v(row, "start")), int(_v(row, "end"))
    except ValueError:
        return []
    found = content[start:end]
    if found != exact:
        elsewhere = content.find(exact)
        hint = (
            f"; the quote is found at {elsewhere}"
            if elsewhere >= 0
            else "; the quote is not in the source text"
        )
        return [f"text at {start}:{end} is {found[:60]!r}, the quote says {exact[:60]!r}{hint}"]
    problems = []
    prefix = row.get("prefix")
    if prefix is not None and not content[:start].endswith(prefix.value):
        problems.append("oa:prefix does not match the text before the quote")
    suffix = row.get("suffix")
    if suffix is not None and not content[end:].startswith(suffix.value):
        problems.append("oa:suffix does not match the text after the quote")
    return problems


def _declared(kg: KnowledgeGraph, report: ValidationReport) -> None:
    rows = _select(
        kg,
        f"""
        SELECT DISTINCT ?term ?kind WHERE {{
            GRAPH ?g {{ {{ ?s ?term ?o BIND("property" AS ?kind) }}
                      UNION {{ ?s a ?term BIND("class" AS ?kind) }} }}
            FILTER(?g != <{ONTOLOGY_GRAPH}>)
            FILTER NOT EXISTS {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?term a ?declared }} }}
        }}""",
    )
    count = _select(
        kg,
        f"""
        SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{
            GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{ONTOLOGY_GRAPH}>)
        }}""",
    )
    report.counts["declared"] = int(_v(count[0], "n")) if count else 0
    for row in rows:
        term = _v(row, "term")
        if term in _BUILTIN:
            continue
        report.problems.append(
            Problem(
                "declared",
                _curie(term),
                f"{_v(row, 'kind')} used in the data but not declared in the ontology",
            )
        )


def _labels(kg: KnowledgeGraph, report: ValidationReport) -> None:
    rows = _select(
        kg,
        f"""
        SELECT DISTINCT ?x WHERE {{
            GRAPH ?g {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} }}
            FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{ID}"))
            FILTER NOT EXISTS {{
                ?x a ?selector
                # Like selectors, a passage's qualified statements and requirements are parts
                # of what it says, named after it, not things it talks about.
                VALUES ?selector {{ oa:TextQuoteSelector oa:TextPositionSelector
                                   octo:QualifiedStatement octo:Requirement }}
            }}
        }}""",
    )
    graphs = set(kg.graph_names())
    labelled = {
        _v(r, "x")
        for r in _select(
            kg,
            "SELECT DISTINCT ?x WHERE { ?x rdfs:label ?l "
            'FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "") }',
        )
    }
    typed = {_v(r, "x") for r in _select(kg, "SELECT DISTINCT ?x WHERE { ?x a ?c }")}
    entities = [_v(r, "x") for r in rows if _v(r, "x") not in graphs or _v(r, "x") in typed]
    report.counts["labels"] = len(entities)
    for iri in sorted(entities):
        if iri not in labelled:
            report.problems.append(Problem("labels", _curie(iri), "has no rdfs:label in English"))
        if iri not in typed:
            report.problems.append(Problem("labels", _curie(iri), "has no rdf:type"))


def _passages(kg: KnowledgeGraph, report: ValidationReport) -> None:
    passages = _select(
        kg,
        """
        SELECT ?passage ?reason (COUNT(?s) AS ?n) WHERE {
            ?passage a octo:Passage .
            OPTIONAL { ?passage octo:noStatementReason ?reason }
            OPTIONAL { GRAPH ?passage { ?s ?p ?o } }
        } GROUP BY ?passage ?reason""",
    )
    report.counts["passages"] = len(passages)
    known = set()
    for row in passages:
        focus = _curie(_v(row, "passage"))
        known.add(_v(row, "passage"))
        n = int(_v(row, "n"))
        if n == 0 and row.get("reason") is None:
            report.problems.append(
                Problem("passages", focus, "states nothing and gives no octo:noStatementReason")
            )
        if n > 0 and row.get("reason") is not None:
            report.problems.append(
                Problem(
                    "passages",
                    focus,
                    f"has octo:noStatementReason but its graph states {n} triple(s)",
                )
            )
    for graph in kg.graph_names():
        if "/passage/" in graph and graph not in known:
            report.problems.append(
                Problem(
                    "passages",
                    _curie(graph),
                    "a passage graph whose passage is not declared (octo:Passage)",
                )
            )


def _provenance(kg: KnowledgeGraph, report: ValidationReport) -> None:
    classes = " ".join(f"octo:{c}" for c in _ENTITY_CLASSES)
    rows = _select(
        kg,
        f"""
        SELECT DISTINCT ?x WHERE {{
            VALUES ?top {{ {classes} }}
            ?x a ?c . ?c rdfs:subClassOf* ?top .
            FILTER NOT EXISTS {{
                ?passage a octo:Passage .
                GRAPH ?passage {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} }}
            }}
        }}""",
    )
    total = _select(
        kg,
        f"""
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{
            VALUES ?top {{ {classes} }} ?x a ?c . ?c rdfs:subClassOf* ?top }}""",
    )
    report.counts["provenance"] = int(_v(total[0], "n")) if total else 0
    for row in rows:
        report.problems.append(
            Problem("provenance", _curie(_v(row, "x")), "no passage states anything about it")
        )


def _modality(kg: KnowledgeGraph, report: ValidationReport) -> None:
    # A hedge or a demand rendered as a plain fact is the overstatement analysts cannot see.
    checked, problems = modality_problems(kg)
    report.counts["modality"] = checked
    report.problems.extend(Problem("modality", _curie(p), message) for p, message in problems)


def _unfinished(kg: KnowledgeGraph, report: ValidationReport) -> None:
    rows = _select(kg, "SELECT ?x ?todo WHERE { ?x octo:todo ?todo } ORDER BY ?x")
    drafted = _select(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?p a octo:Passage }")
    report.counts["unfinished"] = int(_v(drafted[0], "n")) if drafted else 0
    for row in rows:
        report.problems.append(Problem("unfinished", _curie(_v(row, "x")), _v(row, "todo")))


def _skos(kg: KnowledgeGraph, report: ValidationReport) -> None:
    from octograph.graph.skos import concept_count, skos_problems

    report.problems.extend(Problem(*problem) for problem in skos_problems(kg))
    report.counts["skos"] = concept_count(kg)


def validate(kg: KnowledgeGraph, checks: tuple[str, ...] = CHECKS) -> ValidationReport:
    """Run *checks* on *kg* and collect every problem (a report with no problems is valid).

    >>> from octograph import load
    >>> validate(load()).ok
    True

    Raises:
        StoreError: *kg* is on a server: the checks read every statement, a full download
            that octograph never makes unasked.
    """
    if not kg.engine.local:
        raise StoreError(
            "validate reads every statement, which here means downloading them all: validate "
            "the files before pushing them (octograph --data DIR validate), or an export",
            path=kg.location,
        )
    report = ValidationReport()
    runners = {
        "shacl": _shacl,
        "quotes": _quotes,
        "text": _text,
        "declared": _declared,
        "labels": _labels,
        "passages": _passages,
        "provenance": _provenance,
        "modality": _modality,
        "skos": _skos,
        "unfinished": _unfinished,
    }
    for check in checks:
        runners[check](kg, report)
    return report
