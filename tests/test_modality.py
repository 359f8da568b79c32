"""How sure the report is: every modal word of every passage has its modality in the graph."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from octograph import KnowledgeGraph, load
from octograph.graph.modality import modal_words
from octograph.graph.querying import select

# Passage by passage: the modal words of its text, and the modalities its graph gives (a plain
# octo:conditionFor counts as "if"). Read from the report by hand; a passage missing here has
# no modal word and its graph only states facts.
EXPECTED: dict[int, tuple[list[str], set[str]]] = {
    10: (["likely", "whatever"], {"likely"}),
    15: (["may"], {"may"}),
    16: (["may"], {"may"}),
    17: (["important to"], {"should"}),
    18: (["should"], {"should"}),
    19: (["crucial"], {"must"}),
    20: (["should"], {"should"}),
    21: (["need for"], {"must"}),
    23: (["would"], {"likely"}),
    24: (["requires"], {"must"}),
    25: (["need to", "need to"], {"must"}),
    26: (["need to"], {"must"}),
    27: (["required"], {"must"}),
    28: (["needs to"], {"must"}),
    29: (["necessary"], {"must"}),
    30: (["must"], {"must"}),
    31: (["If"], {"if"}),
    33: (["need to"], {"must"}),
    34: (["need to"], {"must"}),
    36: (["needed"], set()),  # "addresses needed to identify subscribers": octo:nonModalWord
    37: (["needed"], {"must"}),
    39: (["must"], {"must"}),
    41: (["should"], {"should"}),
    43: (["required"], {"must"}),
    44: (["if"], {"states", "if"}),
    45: (["must"], {"must"}),
}

MODALITIES = """
SELECT ?n ?m ?c WHERE {
  ?p a octo:Passage ; octo:passageNumber ?n .
  { GRAPH ?p { ?s octo:modality ?m OPTIONAL { ?s octo:onCondition ?c } } }
  UNION { GRAPH ?p { ?a octo:conditionFor ?b } BIND ("if" AS ?c) }
}"""


def _graph_modalities(kg: KnowledgeGraph) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for row in select(kg, MODALITIES):
        kinds = found.setdefault(int(row["n"].value), set())
        if row["m"] is not None:
            kinds.add(row["m"].value.rsplit("#", 1)[-1])
        if row["c"] is not None:
            kinds.add("if")
    return found


def test_every_passage_has_the_modality_of_its_modal_words(kg: KnowledgeGraph) -> None:
    quotes = {
        int(r["n"].value): r["q"].value
        for r in select(
            kg,
            "SELECT ?n ?q WHERE { ?p a octo:Passage ; octo:passageNumber ?n ; "
            "oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?q ] }",
        )
    }
    assert len(quotes) == 49
    given = _graph_modalities(kg)
    table = {
        n: ([m.word for m in modal_words(quote)], given.get(n, set()))
        for n, quote in quotes.items()
        if modal_words(quote) or given.get(n)
    }
    assert table == EXPECTED


def test_no_hedged_or_required_relation_is_asserted_as_a_plain_triple(kg: KnowledgeGraph) -> None:
    # What a reader of the union graph who knows none of the modality terms would take as fact.
    rows = select(
        kg,
        """SELECT ?s ?p ?o WHERE {
             GRAPH ?g { ?q a octo:QualifiedStatement ; rdf:subject ?s ; rdf:predicate ?p ;
                           rdf:object ?o }
             FILTER EXISTS { GRAPH ?h { ?s ?p ?o } } }""",
    )
    assert list(rows) == []


@pytest.mark.parametrize(
    ("subject", "predicate", "obj", "modality"),
    [
        ("disinformation-operations", "undermines", "trust-in-democracy", "may"),
        ("measures-against-election-threats", "risks", "freedom-of-expression", "may"),
        ("future-protocol-to-the-budapest-convention", "legalBasisFor",
         "urgent-international-cooperation", "likely"),
    ],
)  # fmt: skip
def test_hedges_of_the_issue_are_qualified(
    kg: KnowledgeGraph, subject: str, predicate: str, obj: str, modality: str
) -> None:
    rows = list(
        select(
            kg,
            f"""SELECT ?m WHERE {{ ?q rdf:subject kg:{subject} ; rdf:predicate octo:{predicate} ;
                 rdf:object kg:{obj} ; octo:modality ?m }}""",
        )
    )
    assert [r["m"].value.rsplit("#", 1)[-1] for r in rows] == [modality]


def test_the_protocol_is_required_not_said_to_protect(kg: KnowledgeGraph) -> None:
    ask = "ASK { kg:future-protocol-to-the-budapest-convention octo:protects kg:human-rights }"
    assert not kg.query(ask).boolean
    rows = select(
        kg,
        """SELECT ?m ?by WHERE { ?q rdf:subject kg:future-protocol-to-the-budapest-convention ;
             rdf:predicate octo:reconciles ; octo:modality ?m ; prov:wasAttributedTo ?by }""",
    )
    assert [(r["m"].value, r["by"].value) for r in rows] == [
        ("https://w3id.org/octograph/ontology#must", "https://w3id.org/octograph/id/stakeholders")
    ]


def test_conditions_causes_and_judgements_are_stated(kg: KnowledgeGraph) -> None:
    for ask in (
        "ASK { GRAPH ?g { kg:cybercrime-rarely-brought-to-justice octo:conditionFor "
        "kg:shift-to-the-national-security-arena } }",
        "ASK { kg:protection-of-personal-data octo:consideredObstacleTo "
        "kg:effective-criminal-justice }",
        "ASK { kg:cybersecurity-measures octo:linkedTo "
        "kg:criminal-justice-response-to-cybercrime }",
        'ASK { kg:budapest-convention octo:judgement "difficult to replicate"@en }',
        "ASK { ?q rdf:subject kg:capacity-building ; octo:onCondition ?c }",
    ):
        assert kg.query(ask).boolean, ask


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _flatten_p16(data: Path) -> None:
    """¶16's hedged risk written back as the plain triple it used to be."""
    _edit(
        data / "octopus-2019" / "statements.trig",
        """    p:16-statement-1 a octo:QualifiedStatement ;
        rdf:subject kg:measures-against-election-threats ;
        rdf:predicate octo:risks ;
        rdf:object kg:freedom-of-expression ;
        octo:modality octo:may ;
        octo:modalWords "may in turn create risks"@en .
""",
        "    kg:measures-against-election-threats octo:risks kg:freedom-of-expression .\n",
    )


def test_a_may_rendered_as_a_plain_fact_is_found(data_copy: Path) -> None:
    _flatten_p16(data_copy)
    report = load([data_copy]).validate()
    assert [(p.check, p.focus, p.message) for p in report.problems] == [
        (
            "modality",
            "kg:octopus-2019/passage/16",
            'says "may" but no statement of its graph is may',
        )
    ]


def test_a_modality_its_words_do_not_give_is_found(data_copy: Path) -> None:
    _edit(
        data_copy / "octopus-2019" / "statements.trig",
        'octo:modality octo:should ;\n        octo:modalWords "should be strengthened"@en',
        'octo:modality octo:must ;\n        octo:modalWords "should be strengthened"@en',
    )
    report = load([data_copy]).validate()
    messages = {(p.check, p.focus, p.message) for p in report.problems}
    focus = "kg:octopus-2019/passage/18"
    assert messages == {
        ("modality", focus, 'says "should" but no statement of its graph is should'),
        ("modality", focus, "is must but its modal words ['should be strengthened'] are not"),
    }


def test_modal_words_not_in_the_passage_are_found(data_copy: Path) -> None:
    _edit(
        data_copy / "octopus-2019" / "statements.trig",
        'octo:modalWords "must be improved"@en',
        'octo:modalWords "must be improved"@en, "must be doubled"@en',
    )
    report = load([data_copy]).validate()
    assert [(p.check, p.message) for p in report.problems] == [
        ("modality", 'modal words "must be doubled" are not in its text')
    ]


def test_a_qualified_statement_without_modality_breaks_the_shapes(data_copy: Path) -> None:
    _edit(
        data_copy / "octopus-2019" / "statements.trig",
        '        octo:modality octo:likely ;\n        octo:modalWords "would strengthen"@en .',
        '        octo:modalWords "would strengthen"@en .',
    )
    report = load([data_copy]).validate()
    assert "shacl" in {p.check for p in report.problems}


def test_exports_stay_plain_rdf_11(kg: KnowledgeGraph) -> None:
    # No RDF-star: a qualified statement is ordinary triples about a node, which every
    # RDF 1.1 parser reads back.
    text = kg.export("trig").decode("utf-8")
    assert "<<" not in text
    dataset = rdflib.Dataset()
    dataset.parse(data=text, format="trig")
    qualified = rdflib.URIRef("https://w3id.org/octograph/ontology#QualifiedStatement")
    found = {s for s, _, _, _ in dataset.quads((None, rdflib.RDF.type, qualified, None))}
    loaded = select(
        kg, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?q a octo:QualifiedStatement } }"
    )
    assert len(found) == int(next(iter(loaded))["n"].value) > 20


# ---- the named questions: every relation with its modality, none hedged shown as fact

QUALIFIED = """
SELECT ?s ?p ?o ?m ?label WHERE {
  GRAPH ?g { ?q rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; octo:modality ?m }
  OPTIONAL { ?p rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en")) }
}"""
REQUIRED = "SELECT ?r ?m WHERE { GRAPH ?g { ?q octo:requires ?r ; octo:modality ?m } }"

# Each question that returns relations, with parameters that reach a hedged or required one.
RELATION_QUESTIONS: list[tuple[str, dict[str, str], str]] = [
    ("values-at-risk", {}, "modality"),
    ("remedies-for-threat", {}, "modality"),
    ("tensions", {}, "modality"),
    ("instruments-and-threats", {}, "modality"),
    ("capacity-building", {}, "modality"),
    ("requirements", {}, "modality"),
    ("conditions-and-causes", {}, "modality"),
    ("entity", {"entity": "kg:disinformation-operations"}, "modality"),
    ("provenance", {"subject": "kg:disinformation-operations", "object": "kg:trust-in-democracy"},
     "modality"),
    ("path", {"from": "kg:disinformation-operations", "to": "kg:trust-in-democracy"}, "modality1"),
    ("path", {"from": "kg:future-protocol-to-the-budapest-convention",
              "to": "kg:effectiveness-vs-human-rights-and-rule-of-law"}, "modality1"),
]  # fmt: skip


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


@pytest.mark.parametrize(
    ("name", "params", "column"),
    [pytest.param(n, p, c, id=f"{n}-{i}") for i, (n, p, c) in enumerate(RELATION_QUESTIONS)],
)
def test_no_question_shows_a_hedge_or_a_demand_as_a_plain_fact(
    kg: KnowledgeGraph, name: str, params: dict[str, str], column: str
) -> None:
    results = kg.ask(name, **params)
    assert column in results.variables, f"{name} has no modality column"
    rows = results.to_dicts()
    modalities = [str(r[column]) for r in rows if r[column] is not None]
    assert set(modalities) - {"states"}, f"{name} shows no hedged or required row: {modalities}"
    assert set(modalities) <= {"states", "may", "likely", "must", "should"} or name == "entity"
    hedged = [
        (r["s"].value, r["p"].value, r["o"].value, _local(r["m"].value), r["label"])
        for r in select(kg, QUALIFIED)
    ]
    required = {r["r"].value: _local(r["m"].value) for r in select(kg, REQUIRED)}
    for row in rows:
        values = {str(v) for v in row.values() if v is not None}
        shown = str(row[column]) if row[column] is not None else None
        for s, p, o, modality, label in hedged:
            if s in values and o in values and (p in values or str(label) in values):
                assert shown is not None, (name, row)
                assert shown.startswith(modality), (name, row)
        if name in ("remedies-for-threat", "capacity-building", "requirements"):
            remedy = str(row["remedy"])
            assert shown == required.get(remedy, "states"), (name, row)


# ---- the drafter marks modal words for the person completing the draft


def test_the_draft_marks_each_passages_modal_words(kg: KnowledgeGraph, tmp_path: Path) -> None:
    from octograph.authoring.draft import make_draft, write_draft

    text = (
        "Title\n\nDisinformation may undermine trust. Cooperation must be improved.\n\n"
        "Capacity building works.\n"
    )
    folder = tmp_path / "draft"
    write_draft(make_draft(text, "test-2031", kg), folder)
    statements = (folder / "statements.trig").read_text(encoding="utf-8")
    assert '# modal words: "may" (may): say these with octo:QualifiedStatement' in statements
    assert '# modal words: "must" (must)' in statements
    block = statements.split("# ¶4: Capacity building works.")[1].split("p:4 {")[0]
    assert "modal words" not in block


# ---- diff: a change of modality between two reports is a change


def test_diff_reports_a_change_of_modality(data_copy: Path) -> None:
    from octograph.diff import diff_reports

    later = data_copy / "octopus-2099"
    later.mkdir()
    for f in (data_copy / "octopus-2019").iterdir():
        later.joinpath(f.name).write_text(
            f.read_text(encoding="utf-8").replace("octopus-2019", "octopus-2099"), encoding="utf-8"
        )
    _flatten_p16(data_copy)  # 2019 now states what 2099 says "may" be so
    kg = load([data_copy])
    diff = diff_reports(kg, "octopus-2019", "octopus-2099")
    [change] = diff.modality_changes()
    assert (change["subjectLabel"], change["predicateLabel"], change["objectLabel"]) == (
        "measures to counter election threats",
        "risks",
        "freedom of expression",
    )
    assert (change["modalityA"], change["modalityB"]) == ("states", "may")
    text = diff.text()
    assert "modality changed (1):" in text
    assert "risks→ freedom of expression: states (A ¶16) → may (B ¶16)" in text


def test_why_shows_the_modal_words_of_the_quote(kg: KnowledgeGraph) -> None:
    from octograph.graph.querying import add_why

    results = add_why(kg, kg.ask("values-at-risk"))
    rows = {(str(r["sourceLabel"]), str(r["valueLabel"])): r for r in results.to_dicts()}
    hedged = rows[("disinformation operations", "trust in democracy")]
    assert hedged["why_passages"] == "15"
    assert hedged["why_modal_words"] == "¶15 may (may)"
    assert rows[("interference with elections", "trust in democracy")]["why_modal_words"] is None


# ---- the graph view's data and the entity page


def test_networkx_edges_carry_their_modality(kg: KnowledgeGraph) -> None:
    graph = kg.to_networkx()
    kg_ = "https://w3id.org/octograph/id/"
    octo = "https://w3id.org/octograph/ontology#"
    edge = graph.get_edge_data(kg_ + "disinformation-operations", kg_ + "trust-in-democracy")
    assert edge[octo + "undermines"]["modality"] == "may"
    plain = graph.get_edge_data(kg_ + "election-interference", kg_ + "trust-in-democracy")
    assert plain[octo + "undermines"]["modality"] == "states"
    required = graph.get_edge_data(
        kg_ + "electoral-competencies-and-awareness", kg_ + "stakeholders"
    )
    assert required[octo + "requiredOf"]["modality"] == "should"
    kinds = {d["modality"] for _, _, d in graph.edges(data=True)}
    assert kinds == {"states", "may", "likely", "must", "should"}
    from octograph.view.network import to_graphml

    assert b"may" in to_graphml(graph)


def test_the_entity_page_shows_the_modality(kg: KnowledgeGraph) -> None:
    from octograph.server.answers import ServerData
    from octograph.server.page_data import entity_page
    from octograph.sparql.questions import named_questions

    page = entity_page(
        ServerData(kg, named_questions()), "https://w3id.org/octograph/id/disinformation-operations"
    )
    modalities = {(link.predicate.label, link.other.label, link.modality) for link in page.outgoing}
    assert ("undermines", "trust in democracy", "may") in modalities
    assert ("undermines", "free, fair and clean elections", "may") in modalities
    assert not [m for p, _, m in modalities if p == "undermines" and m != "may"]
