"""The named questions: each runs on both engines and gives its expected answer, and the
analyst questions give what a reader of the report finds in it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from expected import cells, expected_path

from octograph import KnowledgeGraph, Results, load
from octograph.graph.load import bundled_data
from octograph.sparql.questions import named_questions, queries_dir

KG = "https://w3id.org/octograph/id/"
QUESTIONS = sorted(queries_dir().glob("*.rq"))
REPORT = bundled_data() / "octopus-2019" / "report.txt"
C_PROC = "Cybercrime Programme Office of the Council of Europe (C-PROC)"


# rdflib's engine needs about two minutes for each of these (a FILTER NOT EXISTS that scans
# every passage graph per row): they run on the embedded engine here, and with a two-report
# fixture whose differences are known in tests/test_diff_search.py.
TOO_SLOW_FOR_RDFLIB = {"diff-entities", "diff-relations", "diff-figures"}


@pytest.fixture(scope="module")
def engines() -> dict[str, KnowledgeGraph]:
    return {engine: load(engine=engine) for engine in ("oxigraph", "rdflib")}


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def either(request: pytest.FixtureRequest, engines: dict[str, KnowledgeGraph]) -> KnowledgeGraph:
    """The bundled report on each engine in turn."""
    return engines[request.param]


def rows_of(results: Results) -> Counter[tuple[str | None, ...]]:
    """The rows as a multiset of cells, the form the expected files hold."""
    return Counter(tuple(row) for row in cells(results))


def expected_rows(name: str) -> tuple[list[str], Counter[tuple[str | None, ...]]]:
    path = expected_path(queries_dir() / f"{name}.rq")
    assert path.is_file(), f"write {path.name} with: python tests/expected.py {name} (and check it)"
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["variables"], Counter(tuple(row) for row in data["rows"])


def pairs(results: Results, *columns: str) -> set[tuple[object, ...]]:
    """The distinct combinations of *columns*, as Python values."""
    return {tuple(row[c] for c in columns) for row in results}


# ---------------------------------------------------------------- every named question


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in QUESTIONS])
def test_question_has_a_header(path: Path) -> None:
    question = named_questions()[path.stem]
    assert question.title != path.stem, "no '# title:' line"
    assert question.description, "no '# description:' line"
    for param in question.params:
        assert param.description, f"parameter {param.name} is not described"


@pytest.mark.parametrize(
    ("path", "engine"),
    [
        pytest.param(p, engine, id=f"{p.stem}-{engine}")
        for p in QUESTIONS
        for engine in ("oxigraph", "rdflib")
        if not (engine == "rdflib" and p.stem in TOO_SLOW_FOR_RDFLIB)
    ],
)
def test_question_gives_its_expected_answer(
    path: Path, engine: str, engines: dict[str, KnowledgeGraph]
) -> None:
    variables, rows = expected_rows(path.stem)
    results = engines[engine].ask(path.stem)
    assert results.variables == variables
    assert rows_of(results) == rows


@pytest.mark.parametrize(
    "threat",
    [
        "interference with elections",
        "Interference With ELECTIONS",
        "kg:election-interference",
        KG + "election-interference",
        f"<{KG}election-interference>",
    ],
)
def test_a_parameter_resolves_by_label_curie_or_iri(either: KnowledgeGraph, threat: str) -> None:
    _, rows = expected_rows("remedies-for-threat")
    assert rows
    assert rows_of(either.ask("remedies-for-threat", threat=threat)) == rows


# ---------------------------------------------------------------- the analyst questions


def test_1_the_nine_key_messages_in_order(kg: KnowledgeGraph) -> None:
    rows = kg.ask("key-messages").to_dicts()
    assert [r["number"] for r in rows] == list(range(1, 10))
    assert (
        rows[0]["title"]
        == "The Budapest Convention is likely to remain the most relevant agreement"
    )
    assert rows[8]["title"] == "Capacity building"
    # The key messages run from passage 10 to passage 45.
    assert sum(r["passages"] for r in rows) == 36


def test_2_threats_by_message(kg: KnowledgeGraph) -> None:
    found: dict[object, set[object]] = {}
    for number, threat in pairs(kg.ask("threats-by-message"), "number", "threatLabel"):
        found.setdefault(number, set()).add(threat)
    assert found[6] == {"cybercrime"}
    assert found[9] == {"cybercrime", "offences involving electronic evidence"}
    assert {n: found[n] for n in (2, 3, 4, 5, 8)} == {
        2: {
            "interference with elections",
            "disinformation operations",
            "new threats and vulnerabilities",
        },
        3: {"emergency situations"},
        4: {"online sexual exploitation and abuse of children"},
        5: {
            "only a minuscule share of cybercrime reported and resulting in a conclusive "
            "criminal justice outcome",
            "shift of competencies to the national security arena",
        },
        8: {
            "limited information sharing between cybersecurity actors and criminal justice"
            " authorities",
            "cyberattacks",
            "attacks on critical information infrastructure",
        },
    }
    # Message 1 praises the Budapest Convention, message 7 names a tension: no threat.
    assert 1 not in found
    assert 7 not in found


def test_3_remedies_for_a_threat_and_who_must_act(kg: KnowledgeGraph) -> None:
    elections = kg.ask("remedies-for-threat")
    assert {r["remedyLabel"] for r in elections} == {
        "measures to counter election threats",
        "competencies and awareness throughout the electoral process",
        "stronger instruments and legislation with clear criminal justice responses",
    }
    emergencies = kg.ask("remedies-for-threat", threat="emergency situations")
    assert pairs(emergencies, "remedyLabel", "actorLabel") == {
        ("urgent international cooperation", "private sector"),
        ("procedures for immediate response", None),  # no actor, still listed
    }
    # octo:deliveredBy counts as a subproperty of octo:involves.
    cybercrime = kg.ask("remedies-for-threat", threat="cybercrime")
    actors = pairs(cybercrime, "remedyLabel", "relation", "actorLabel")
    assert ("capacity building", "delivered by", C_PROC) in actors


# A second report that proposes the bundled report's "capacity building" against cybercrime,
# with an actor of its own: the shape of a corpus where reports share their remedies.
OTHER_REPORT = """
@prefix kg: <https://w3id.org/octograph/id/> .
@prefix octo: <https://w3id.org/octograph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
kg:other-report-graph {
    kg:other-report a octo:Report ; octo:sourceText kg:other-report-text .
    kg:other-report-text a octo:SourceText .
    kg:other-report-message octo:inReport kg:other-report ; octo:messageNumber 1 .
    kg:other-report-passage a octo:Passage ; octo:inReport kg:other-report ;
        oa:hasSource kg:other-report-text .
    kg:other-actor a octo:Stakeholder ; rdfs:label "another programme office"@en .
}
kg:other-report-passage {
    kg:other-report-message octo:proposesRemedy kg:capacity-building .
    kg:capacity-building octo:addresses kg:cybercrime ; octo:involves kg:other-actor .
}
"""


def test_3_each_report_answers_with_its_own_message_and_actors(tmp_path: Path) -> None:
    (tmp_path / "other.trig").write_text(OTHER_REPORT, encoding="utf-8")
    kg = load([bundled_data(), tmp_path])
    found: dict[object, set[tuple[object, ...]]] = {}
    for row in kg.ask("remedies-for-threat", threat="cybercrime").to_dicts():
        if row["remedyLabel"] == "capacity building":
            key = (row["messageNumber"], row["actorLabel"])
            found.setdefault(row["report"], set()).add(key)
    # Over the union alone, each report's key message would pair with both reports' actors.
    assert found == {
        KG + "octopus-2019": {(9, C_PROC)},
        KG + "other-report": {(1, "another programme office")},
    }


def test_4_instruments_their_kind_and_bodies(kg: KnowledgeGraph) -> None:
    results = kg.ask("instruments")
    kinds = dict(pairs(results, "instrumentLabel", "kind"))
    assert len(kinds) == 9
    assert kinds["Budapest Convention"] == "Treaty"
    assert kinds["Lanzarote Convention"] == "Treaty"
    assert kinds["Convention 108+"] == "Treaty"
    assert kinds["future Protocol to the Budapest Convention"] == "Protocol"
    assert kinds["Christchurch Call"] == "Political commitment"
    assert kinds["national legislation"] == "National legislation"
    assert kinds["guidance notes on the Budapest Convention"] == "Guidance"
    bodies = pairs(results, "instrumentLabel", "relation", "bodyLabel")
    assert {b for b in bodies if b[2]} == {
        ("Budapest Convention", "administered by", "Council of Europe"),
        ("Budapest Convention", "followed up by", "Cybercrime Convention Committee"),
        ("Lanzarote Convention", "administered by", "Council of Europe"),
        ("Convention 108+", "administered by", "Council of Europe"),
    }


def test_5_instruments_and_the_threats_they_address(kg: KnowledgeGraph) -> None:
    links = pairs(kg.ask("instruments-and-threats"), "instrumentLabel", "threatLabel", "way")

    def instruments_addressing(threat: str) -> set[object]:
        return {i for i, t, _ in links if t == threat}

    assert {"Lanzarote Convention", "Budapest Convention"} <= instruments_addressing(
        "online sexual exploitation and abuse of children"
    )
    # The Christchurch Call proposes procedures for immediate response (passage 22).
    assert ("Christchurch Call", "emergency situations", "basis for remedy") in links
    assert ("Christchurch Call", "emergency situations", "direct") not in links
    assert {
        ("future Protocol to the Budapest Convention", "emergency situations", "direct"),
        ("future Protocol to the Budapest Convention", "emergency situations", "basis for remedy"),
    } <= links


def test_6_values_at_risk(kg: KnowledgeGraph) -> None:
    at_risk = pairs(kg.ask("values-at-risk"), "valueLabel", "relation", "sourceLabel")
    assert ("freedom of expression", "risks", "measures to counter election threats") in at_risk
    assert {
        ("free, fair and clean elections", "undermines", "interference with elections"),
        ("trust in democracy", "undermines", "interference with elections"),
        ("free, fair and clean elections", "undermines", "disinformation operations"),
        ("trust in democracy", "undermines", "disinformation operations"),
    } <= at_risk
    shift = "shift of competencies to the national security arena"
    assert {
        ("rule of law", "undermines", shift),
        ("individual rights", "undermines", shift),
    } <= at_risk


def test_7_tensions_sides_and_examples(kg: KnowledgeGraph) -> None:
    facts = pairs(kg.ask("tensions"), "messageNumber", "tensionLabel", "relation", "itemLabel")
    assert {(n, t) for n, t, _, _ in facts} == {
        (2, "countering election threats vs freedom of expression"),
        (6, "effectiveness vs human rights and rule of law"),
        (7, "criminal justice vs data protection"),
    }
    election_sides = {i for _, t, r, i in facts if t.startswith("countering") and r == "between"}
    assert election_sides == {"measures to counter election threats", "freedom of expression"}
    examples = {i for _, _, r, i in facts if r == "has example"}
    assert examples == {
        "lack of access to WHOIS data",
        "court decisions on data retention",
        "treatment of dynamic IP addresses",
    }


def test_8_stakeholders_in_the_most_remedies(kg: KnowledgeGraph) -> None:
    rows = kg.ask("stakeholders-by-remedies").to_dicts()
    counts = [r["remedies"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    top = {r["stakeholderLabel"] for r in rows if r["remedies"] == counts[0]}
    # "all stakeholders" must act on four remedies since ¶17 names them as the ones whose
    # competencies and awareness are to be ensured.
    assert top == {"stakeholders"}
    # C-PROC counts through octo:deliveredBy, a subproperty of octo:involves.
    assert C_PROC in {r["stakeholderLabel"] for r in rows}


def test_9_events_and_where_they_happened(kg: KnowledgeGraph) -> None:
    events = kg.ask("events")
    assert pairs(events, "eventLabel", "threatLabel", "placeLabel", "countryLabel") == {
        (
            "terrorist attacks in Christchurch",
            "emergency situations",
            "Christchurch",
            "New Zealand",
        ),
        ("Easter attacks in Sri Lanka", "emergency situations", "Sri Lanka", "Sri Lanka"),
    }


def test_10_the_budapest_convention_in_figures(kg: KnowledgeGraph) -> None:
    figures = kg.ask("budapest-figures")
    assert pairs(figures, "propertyLabel", "value", "approximation") == {
        ("party count", 64, "exactly"),
        ("signatory or invitee count", 8, "exactly"),
        ("guided legislation count", 150, "approximately"),
    }


def test_11_who_took_part(kg: KnowledgeGraph) -> None:
    facts = kg.ask("participation")
    who: dict[object, set[object]] = {}
    for role, label in pairs(facts, "role", "whoLabel"):
        who.setdefault(role, set()).add(label)
    assert who["opening officials from"] == {"Costa Rica", "France", "Gambia", "Ghana", "Japan"}
    assert who["opened by"] == {"Secretary General of the Council of Europe"}
    assert who["funded by"] == {
        "Estonia", "Hungary", "Japan", "Monaco", "Netherlands", "Romania", "Slovakia",
        "United Kingdom", "United States of America",
    }  # fmt: skip
    assert len(who["participant kind"]) == 5
    assert pairs(facts, "role", "value", "approximation") >= {
        ("participant count", 470, "approximately"),
        ("participant country count", 115, "more than"),
    }


def test_12_provenance_quotes_the_passage(kg: KnowledgeGraph) -> None:
    rows = kg.ask("provenance").to_dicts()  # Budapest Convention -> Cybercrime Convention Committee
    assert [(r["predicateLabel"], r["passageNumber"], r["messageNumber"]) for r in rows] == [
        ("followed up by", 12, 1)
    ]
    text = REPORT.open(encoding="utf-8", newline="").read()
    assert rows[0]["exact"] == text[rows[0]["start"] : rows[0]["end"]]
    assert rows[0]["exact"].startswith("It is backed up by assessments and follow up by the ")


def test_13_threats_without_remedy(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # Every threat of the bundled report has a remedy against it ...
    assert kg.ask("threats-without-remedy").rows == []
    # ... so prove the question finds one: an unanswered threat, and one only an instrument
    # addresses (which still counts as without remedy).
    extra = tmp_path / "extra.trig"
    extra.write_text(
        """
        @prefix kg: <https://w3id.org/octograph/id/> .
        @prefix octo: <https://w3id.org/octograph/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://example.org/graph/extra> {
            kg:deepfakes a octo:Threat ; rdfs:label "deepfakes"@en .
            kg:ransomware a octo:Threat ; rdfs:label "ransomware"@en .
            kg:budapest-convention octo:addresses kg:ransomware .
        }
        """,
        encoding="utf-8",
    )
    more = load([bundled_data(), extra])
    found = pairs(more.ask("threats-without-remedy"), "threatLabel", "instrumentAddresses")
    assert found == {("deepfakes", False), ("ransomware", True)}


def test_14_remedies_with_public_and_private_actors(kg: KnowledgeGraph) -> None:
    found = pairs(
        kg.ask("public-private-remedies"), "remedyLabel", "publicActorLabel", "privateActorLabel"
    )
    assert found == {
        ("cooperation between all stakeholders", "public institutions", "private sector"),
        (
            "inter-agency, public-private and international cooperation against cyberattacks",
            "public sector",
            "private sector",
        ),
    }


def test_15_capacity_building(kg: KnowledgeGraph) -> None:
    results = kg.ask("capacity-building")
    assert {r["messageNumber"] for r in results} == {8, 9}
    assert pairs(results, "remedyLabel", "delivererLabel") == {
        ("capacity building linking the cybersecurity and cybercrime communities", None),
        ("capacity building", C_PROC),
        ("a massive surge in resources and skills for criminal justice authorities", None),
    }


def test_16_countries_and_their_roles(kg: KnowledgeGraph) -> None:
    roles: dict[object, set[object]] = {}
    for country, role in pairs(kg.ask("countries"), "countryLabel", "role"):
        roles.setdefault(country, set()).add(role)
    assert len(roles) == 15
    assert roles["France"] == {"opening officials", "venue"}
    assert roles["Japan"] == {"opening officials", "funder"}
    assert roles["New Zealand"] == {"location of a cited event"}
    assert roles["Sri Lanka"] == {"location of a cited event"}
    assert {c for c, r in roles.items() if r == {"funder"}} == {
        "Estonia", "Hungary", "Monaco", "Netherlands", "Romania", "Slovakia",
        "United Kingdom", "United States of America",
    }  # fmt: skip


# ---------------------------------------------------------------- the browsing questions


def test_entity_lists_statements_with_their_passage(kg: KnowledgeGraph) -> None:
    facts = pairs(
        kg.ask("entity", entity="Cybercrime Convention Committee"),
        "direction",
        "predicateLabel",
        "otherLabel",
        "passageNumber",
    )
    assert ("in", "followed up by", "Budapest Convention", 12) in facts
    assert (
        "in",
        "mentions stakeholder",
        "Key message 1: the Budapest Convention is likely to remain the most relevant agreement",
        12,
    ) in facts


def test_path_finds_direct_and_two_hop_links(kg: KnowledgeGraph) -> None:
    links = pairs(kg.ask("path"), "hops", "relation1", "viaLabel", "relation2", "passage1")
    assert (1, "administered by", None, None, 27) in links  # Budapest -> Council of Europe
    from_capacity_building = kg.ask(
        "path", **{"from": "kg:capacity-building", "to": "Council of Europe"}
    )
    assert pairs(from_capacity_building, "hops", "relation1", "viaLabel", "relation2") == {
        (2, "delivered by", C_PROC, "part of"),
        (2, "proposes remedy", "Key message 9: capacity building", "mentions stakeholder"),
    }


def test_message_summary_counts(kg: KnowledgeGraph) -> None:
    summary = {r["number"]: r for r in kg.ask("message-summary").to_dicts()}
    # Message 8: five ways to enhance cooperation after the call to improve it (passages 39-41).
    assert summary[8]["remedies"] == 6
    # The Lanzarote and Budapest Conventions, and the legislation to harmonise (passage 26).
    assert summary[4]["instruments"] == 3
    assert sum(r["passages"] for r in summary.values()) == 36


def test_passages_quote_the_source_text(kg: KnowledgeGraph) -> None:
    rows = kg.ask("passages").to_dicts()
    text = REPORT.open(encoding="utf-8", newline="").read()
    assert [r["number"] for r in rows] == list(range(1, 50))
    assert all(r["quote"] == text[r["start"] : r["end"]] for r in rows)
    assert {r["number"] for r in rows if r["noStatementReason"]} == {6, 9, 47}
