"""The SKOS checks of validate: concept schemes, broader cycles, justified alignments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from octograph.namespaces import PREFIXES

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["MATCHES", "Problem", "concept_count", "skos_problems"]

# The SKOS mapping properties an alignment may use, from the most to the least committal.
MATCHES = tuple(
    PREFIXES["skos"] + m
    for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)

Problem = tuple[str, str, str]


def _curie(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _rows(kg: KnowledgeGraph, query: str) -> list[dict[str, str]]:
    result = kg.engine.query(query, {})
    return [
        {n: (t.value if t is not None else "") for n, t in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def concept_count(kg: KnowledgeGraph) -> int:
    """How many SKOS concepts the graph holds (what the ``skos`` check looks at)."""
    rows = _rows(kg, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a skos:Concept }")
    return int(rows[0]["n"]) if rows else 0


def skos_problems(kg: KnowledgeGraph) -> list[Problem]:
    """SKOS integrity: ``("skos", focus, message)`` for each problem found.

    - every ``skos:Concept`` is in exactly one concept scheme;
    - no concept is its own ancestor through ``skos:broader``;
    - every alignment (a SKOS mapping property whose subject is not a concept) points to a
      ``skos:Concept``, and carries its justification: an ``owl:Axiom`` that annotates it
      with an ``rdfs:comment`` (and no such annotation lacks its mapping).

    >>> from octograph import load
    >>> skos_problems(load())
    []
    """
    matches = " ".join(f"<{m}>" for m in MATCHES)
    problems: list[Problem] = []
    for row in _rows(kg, _SCHEMES):
        n = int(row["n"])
        where = "no concept scheme" if n == 0 else f"{n} concept schemes"
        problems.append(("skos", _curie(row["c"]), f"is in {where} (exactly one expected)"))
    for row in _rows(kg, _CYCLES):
        problems.append(("skos", _curie(row["c"]), "is its own ancestor (skos:broader cycle)"))
    for row in _rows(kg, _NOT_CONCEPTS.replace("$MATCHES", matches)):
        problems.append(
            ("skos", _curie(row["s"]), f"{_curie(row['m'])} {_curie(row['t'])}: not a skos:Concept")
        )
    for row in _rows(kg, _UNJUSTIFIED.replace("$MATCHES", matches)):
        problems.append(
            (
                "skos",
                _curie(row["s"]),
                f"{_curie(row['m'])} {_curie(row['t'])}: no justification "
                "(an owl:Axiom annotating it with rdfs:comment)",
            )
        )
    for row in _rows(kg, _JUSTIFYING_NOTHING.replace("$MATCHES", matches)):
        problems.append(
            (
                "skos",
                _curie(row["s"]),
                f"a justification annotates {_curie(row['m'])} {_curie(row['t'])}, "
                "which is not asserted",
            )
        )
    return problems


# The checks' queries; $MATCHES stands for the SKOS mapping properties (MATCHES).
_SCHEMES = """
SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {
    ?c a skos:Concept .
    OPTIONAL { ?c skos:inScheme ?s . ?s a skos:ConceptScheme }
} GROUP BY ?c HAVING (COUNT(DISTINCT ?s) != 1) ORDER BY ?c"""
_CYCLES = "SELECT DISTINCT ?c WHERE { ?c skos:broader+ ?c } ORDER BY ?c"
_NOT_CONCEPTS = """
SELECT ?s ?m ?t WHERE {
    VALUES ?m { $MATCHES }
    ?s ?m ?t .
    FILTER NOT EXISTS { ?s a skos:Concept }
    FILTER NOT EXISTS { ?t a skos:Concept }
} ORDER BY ?s ?m ?t"""
_UNJUSTIFIED = """
SELECT ?s ?m ?t WHERE {
    VALUES ?m { $MATCHES }
    ?s ?m ?t .
    FILTER NOT EXISTS { ?s a skos:Concept }
    FILTER NOT EXISTS {
        ?a a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?m ;
           owl:annotatedTarget ?t ; rdfs:comment ?why .
    }
} ORDER BY ?s ?m ?t"""
_JUSTIFYING_NOTHING = """
SELECT ?s ?m ?t WHERE {
    VALUES ?m { $MATCHES }
    ?a a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?m ;
       owl:annotatedTarget ?t .
    FILTER NOT EXISTS { ?s ?m ?t }
} ORDER BY ?s ?m ?t"""
