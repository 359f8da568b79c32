"""Facts from outside the report: alignments with the taxonomies, identifiers, French labels."""

from __future__ import annotations

import json
import re
from collections import Counter

import pyoxigraph as ox
import pytest
from expected import cells, expected_path

from octograph import KnowledgeGraph, load
from octograph.graph.skos import MATCHES
from octograph.graph.validate import validate
from octograph.sparql.questions import get_question

KG = "https://w3id.org/octograph/id/"
ALIGNMENTS = KG + "graph/alignments"
ENRICHMENT = KG + "graph/enrichment"
ENTITIES = KG + "graph/entities"
OCTO = "https://w3id.org/octograph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SAME_AS = OWL + "sameAs"

# The threats no taxonomy class fits (README, "Threats and the incident taxonomies"): each
# says why with octo:noMappingReason. Changing this list is a decision, not a side effect.
UNMAPPED = {
    "attacks-on-critical-information-infrastructure",
    "cybercrime-rarely-brought-to-justice",
    "election-interference",
    "limited-information-sharing",
    "new-threats-and-vulnerabilities",
    "offences-involving-electronic-evidence",
    "shift-to-the-national-security-arena",
}


def _select(kg: KnowledgeGraph, query: str) -> list[dict[str, str]]:
    prefixes = {"kg": KG, "octo": OCTO, "skos": SKOS, "rdfs": RDFS}
    declared = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items())
    answer = kg.query(declared + query)
    return [
        {n: (t.value if t is not None else "") for n, t in zip(answer.variables, row, strict=True)}
        for row in answer.rows
    ]


def _in_graph(kg: KnowledgeGraph, graph: str) -> list[ox.Quad]:
    return [q for q in kg.quads() if q.graph_name == ox.NamedNode(graph)]


def _threats(kg: KnowledgeGraph) -> set[str]:
    rows = _select(kg, "SELECT ?t WHERE { ?t a octo:Threat }")
    return {r["t"].removeprefix(KG) for r in rows}


# ---------------------------------------------------------------- alignments


def test_alignments_live_in_their_own_graph_and_point_at_taxonomy_concepts(
    kg: KnowledgeGraph,
) -> None:
    quads = _in_graph(kg, ALIGNMENTS)
    mappings = [q for q in quads if q.predicate.value in MATCHES]
    assert len(mappings) >= 10
    threats = _threats(kg)
    concepts = {r["c"] for r in _select(kg, "SELECT ?c WHERE { ?c a skos:Concept }")}
    for q in mappings:
        assert q.subject.value.removeprefix(KG) in threats, q
        assert q.object.value in concepts, q
        assert q.object.value.startswith(KG + "taxonomy/"), q
    # Nothing else states a mapping: the report's graphs stay the report's.
    elsewhere = [
        q
        for q in kg.quads()
        if q.predicate.value in MATCHES and q.graph_name != ox.NamedNode(ALIGNMENTS)
    ]
    assert elsewhere == []


def test_each_mapping_has_exactly_one_justification(kg: KnowledgeGraph) -> None:
    rows = _select(
        kg,
        f"""SELECT ?a ?s ?m ?t (COUNT(?why) AS ?n) WHERE {{
            GRAPH <{ALIGNMENTS}> {{
                ?a a <{OWL}Axiom> ; <{OWL}annotatedSource> ?s ; <{OWL}annotatedProperty> ?m ;
                   <{OWL}annotatedTarget> ?t ; <{RDFS}comment> ?why .
                ?s ?m ?t .
            }}
        }} GROUP BY ?a ?s ?m ?t""",
    )
    mappings = [q for q in _in_graph(kg, ALIGNMENTS) if q.predicate.value in MATCHES]
    assert len(rows) == len(mappings)
    assert {r["n"] for r in rows} == {"1"}
    # Each justification has a stable IRI, named after its mapping (no blank nodes).
    for row in rows:
        match = row["m"].removeprefix(SKOS)
        concept = row["t"].removeprefix(KG + "taxonomy/").replace("/", ".")
        assert row["a"] == f"{KG}alignment/{row['s'].removeprefix(KG)}.{match}.{concept}"


def test_every_threat_is_mapped_or_says_why_not(kg: KnowledgeGraph) -> None:
    quads = _in_graph(kg, ALIGNMENTS)
    mapped = {q.subject.value.removeprefix(KG) for q in quads if q.predicate.value in MATCHES}
    reasons = {
        q.subject.value.removeprefix(KG): q.object.value
        for q in quads
        if q.predicate.value == OCTO + "noMappingReason"
    }
    assert set(reasons) == UNMAPPED
    assert not mapped & UNMAPPED, mapped & UNMAPPED
    assert mapped | UNMAPPED == _threats(kg)
    assert all(len(reason) > 20 for reason in reasons.values())


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_threat_taxonomy_question_matches_its_expected_file(engine: str) -> None:
    expected = json.loads(expected_path(get_question("threat-taxonomy").path).read_text("utf-8"))
    results = load(engine=engine).ask("threat-taxonomy")
    assert results.variables == expected["variables"]
    got = Counter(json.dumps(row) for row in cells(results))
    assert got == Counter(json.dumps(row) for row in expected["rows"])


def test_threat_taxonomy_lists_unmapped_threats_once_with_empty_columns(
    kg: KnowledgeGraph,
) -> None:
    rows = kg.ask("threat-taxonomy").to_dicts()
    for name in UNMAPPED:
        [row] = [r for r in rows if r["threat"] == KG + name]
        assert row["concept"] is None
        assert row["match"] is None
        assert row["scheme"] is None
        assert row["noMatchReason"]
    assert {r["match"] for r in rows} - {None} <= set(MATCHES)


# ---------------------------------------------------------------- identifiers


def test_every_country_has_one_well_formed_iso_code(kg: KnowledgeGraph) -> None:
    rows = _select(
        kg,
        f"""SELECT ?c ?code WHERE {{ ?c a octo:Country .
            OPTIONAL {{ GRAPH <{ENRICHMENT}> {{ ?c octo:iso3166Alpha2Code ?code }} }} }}""",
    )
    by_country = Counter(r["c"] for r in rows)
    assert set(by_country.values()) == {1}, by_country
    codes = [r["code"] for r in rows]
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in codes), codes
    assert len(set(codes)) == len(codes) == 15
    assert {r["c"].removeprefix(KG): r["code"] for r in rows}["united-kingdom"] == "GB"


def test_wikidata_links_are_well_formed_and_unique(kg: KnowledgeGraph) -> None:
    links = [q for q in _in_graph(kg, ENRICHMENT) if q.predicate.value == SAME_AS]
    pattern = re.compile(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*")
    assert all(pattern.fullmatch(q.object.value) for q in links), links
    subjects = [q.subject.value for q in links]
    targets = [q.object.value for q in links]
    assert len(set(subjects)) == len(subjects)
    assert len(set(targets)) == len(targets)
    countries = {r["c"] for r in _select(kg, "SELECT ?c WHERE { ?c a octo:Country }")}
    assert countries <= set(subjects)
    assert KG + "council-of-europe" in subjects
    assert [q for q in kg.quads() if q.predicate.value == SAME_AS] == links


def test_treaty_numbers_are_on_instruments(kg: KnowledgeGraph) -> None:
    rows = _select(
        kg,
        f"""SELECT ?i ?n (EXISTS {{ ?i a/rdfs:subClassOf* octo:Instrument }} AS ?instrument)
            WHERE {{ GRAPH <{ENRICHMENT}> {{ ?i octo:cetsNumber ?n }} }}""",
    )
    numbers = {r["i"].removeprefix(KG): r["n"] for r in rows}
    assert numbers["budapest-convention"] == "185"
    assert numbers["lanzarote-convention"] == "201"
    assert all(re.fullmatch(r"[1-9][0-9]{0,3}", n) for n in numbers.values())
    assert {r["instrument"] for r in rows} == {"true"}


def test_the_enrichment_graph_names_a_source_for_each_kind_of_fact(kg: KnowledgeGraph) -> None:
    quads = _in_graph(kg, ENRICHMENT)
    sources = {
        q.object.value
        for q in quads
        if q.subject.value == ENRICHMENT and q.predicate.value.endswith("/source")
    }
    kinds = {
        OCTO + "iso3166Alpha2Code": "iso.org",
        SAME_AS: "wikidata.org",
        OCTO + "cetsNumber": "coe.int",
    }
    used = {q.predicate.value for q in quads if q.subject.value != ENRICHMENT}
    for predicate, host in kinds.items():
        assert predicate in used
        assert any(host in s for s in sources), (predicate, sources)
    # Enrichment facts stay in the enrichment graph.
    for q in kg.quads():
        if q.predicate.value in {OCTO + "iso3166Alpha2Code", OCTO + "cetsNumber"}:
            assert q.graph_name == ox.NamedNode(ENRICHMENT), q


# ---------------------------------------------------------------- French labels


def test_french_labels_are_entity_definitions_one_per_entity(kg: KnowledgeGraph) -> None:
    french = [
        q
        for q in kg.quads()
        if q.predicate.value == RDFS + "label"
        and isinstance(q.object, ox.Literal)
        and q.object.language == "fr"
    ]
    assert len(french) >= 20
    assert {q.graph_name for q in french} == {ox.NamedNode(ENTITIES)}
    subjects = Counter(q.subject.value for q in french)
    assert set(subjects.values()) == {1}
    english = {
        q.subject.value
        for q in kg.quads()
        if q.predicate.value == RDFS + "label"
        and isinstance(q.object, ox.Literal)
        and q.object.language == "en"
    }
    assert set(subjects) <= english
    labels = {q.subject.value.removeprefix(KG): q.object.value for q in french}
    assert labels["council-of-europe"] == "Conseil de l'Europe"
    assert labels["budapest-convention"] == "Convention de Budapest"


def test_french_labels_keep_the_shapes_satisfied(kg: KnowledgeGraph) -> None:
    report = validate(kg, checks=("shacl",))
    assert report.ok, report.text()
