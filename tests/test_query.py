"""The Python query API: values, labels, parameters bound safely, errors with line and column."""

from __future__ import annotations

import datetime

import pyoxigraph as ox
import pytest

from octograph import KnowledgeGraph, NotFoundError, QueryError
from octograph.engines.embedded import OxigraphEngine
from octograph.graph.querying import resolve_param, run, run_named
from octograph.namespaces import PREFIXES
from octograph.sparql.questions import looks_like_name, named_questions

KG = "https://w3id.org/octograph/id/"


def test_rows_have_python_values_and_labels(kg: KnowledgeGraph) -> None:
    r = kg.query("""
        SELECT ?conf ?start ?n WHERE {
            ?conf a octo:Conference ; schema:startDate ?start ; octo:editionNumber ?n }""")
    [row] = r.to_dicts()
    assert row == {
        "conf": KG + "octopus-2019/conference",
        "start": datetime.date(2019, 11, 20),
        "n": 12,
    }
    assert r.label(r.rows[0][0]) == "Octopus Conference 2019"


def test_iterating_results_gives_dicts(kg: KnowledgeGraph) -> None:
    labels = sorted(
        row["l"]
        for row in kg.query(
            'SELECT ?l WHERE { ?t a octo:Treaty ; rdfs:label ?l FILTER(LANG(?l) = "en") }'
        )
    )
    assert labels == ["Budapest Convention", "Convention 108+", "Lanzarote Convention"]


def test_to_pandas(kg: KnowledgeGraph) -> None:
    pd = pytest.importorskip("pandas", reason="pandas is optional; the test extra installs it")
    frame = kg.ask("key-messages").to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == 9


@pytest.mark.parametrize(
    "value",
    [
        "Interference with elections",
        "INTERFERENCE WITH ELECTIONS",
        "kg:election-interference",
        KG + "election-interference",
        f"<{KG}election-interference>",
    ],
)
def test_parameters_by_label_curie_or_iri(kg: KnowledgeGraph, value: str) -> None:
    r = kg.query("SELECT ?r WHERE { ?r octo:addresses ?threat } ORDER BY ?r", threat=value)
    assert KG + "stronger-election-law" in [row["r"] for row in r]


@pytest.mark.parametrize("value", ["capacity building", "Capacity building", "CAPACITY BUILDING"])
def test_a_label_names_the_report_entity_before_an_ontology_term(
    kg: KnowledgeGraph, value: str
) -> None:
    # "Capacity building" is also the label of the class octo:CapacityBuilding, spelled so.
    r = kg.query("SELECT ?x WHERE { BIND(?v AS ?x) }", v=value)
    assert r.to_dicts() == [{"x": KG + "capacity-building"}]


def test_a_parameter_is_bound_not_spliced(kg: KnowledgeGraph) -> None:
    # A value that would change the query if it were pasted into the text is just a label.
    with pytest.raises(NotFoundError, match="no entity is labelled"):
        kg.query("SELECT ?r WHERE { ?r octo:addresses ?t }", t="x } ?a ?b ?c . { ?d")
    r = kg.query("SELECT ?x WHERE { BIND(?v AS ?x) }", v=42)
    assert r.to_dicts() == [{"x": 42}]


def test_named_question_defaults_and_overrides(kg: KnowledgeGraph) -> None:
    default = kg.ask("remedies-for-threat")
    other = kg.ask("remedies-for-threat", threat="emergency situations")
    assert {row["threat"] for row in default} == {KG + "election-interference"}
    assert {row["threat"] for row in other} == {KG + "emergency-situations"}


def test_named_question_errors(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="did you mean threats-by-message"):
        kg.ask("threats-by-mesage")
    with pytest.raises(QueryError, match="takes no parameter colour"):
        kg.ask("remedies-for-threat", colour="red")


def test_a_required_parameter_without_default_is_asked_for(
    kg: KnowledgeGraph, tmp_path: object
) -> None:
    missing = [q for q in named_questions().values() for p in q.params if p.default is None]
    for question in missing:
        with pytest.raises(QueryError, match=f"needs --param {question.params[0].name}"):
            run_named(kg, question.name)


def test_syntax_errors_carry_line_and_column(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError) as e:
        run(kg, "SELECT ?x\nWHERE { ?x ?y }")
    assert (e.value.line, e.value.column) == (2, 15)  # the brace where the object is missing
    assert str(e.value) == (
        "query line 2, column 15: a triple pattern needs a subject, a predicate and an object: "
        "the object is missing"
    )
    assert e.value.excerpt == "  WHERE { ?x ?y }\n                ^"


def test_unknown_prefix_is_named(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match='unknown prefix "ex:"'):
        run(kg, "SELECT * WHERE { ?s ex:p ?o }")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * { #comment\n Service\t<http://127.0.0.1:9/> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_unless_allowed(kg: KnowledgeGraph, text: str) -> None:
    with pytest.raises(QueryError, match="SERVICE is disabled"):
        run(kg, text)


def test_the_word_service_in_a_string_is_not_a_service_clause(kg: KnowledgeGraph) -> None:
    r = run(kg, 'SELECT ?x WHERE { BIND("SERVICE <x> {}" AS ?x) }  # SERVICE')
    assert r.to_dicts() == [{"x": "SERVICE <x> {}"}]


def test_limit_cuts_and_says_so(kg: KnowledgeGraph) -> None:
    r = run(kg, "SELECT ?p WHERE { ?p a octo:Passage }", limit=3)
    assert len(r) == 3
    assert r.truncated


def test_names_and_sparql_are_told_apart() -> None:
    assert looks_like_name("key-messages")
    assert not looks_like_name("SELECT * WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_from_selects_a_loaded_graph(engine: str) -> None:
    from octograph import load

    kg = load(engine=engine)
    r = run(
        kg,
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/octograph/id/octopus-2019/passage/12> "
        "WHERE { ?s ?p ?o }",
    )
    assert r.to_dicts() == [{"n": 7}]
    with pytest.raises(QueryError, match="names a graph that is not loaded"):
        run(kg, "SELECT * FROM <https://example.org/elsewhere> WHERE { ?s ?p ?o }")


def test_table_labels_follow_the_chosen_language(kg: KnowledgeGraph) -> None:
    r = run(kg, "SELECT ?c WHERE { VALUES ?c { kg:netherlands kg:voters } }", lang="fr")
    assert sorted(r.label(row[0]) for row in r.rows) == ["Pays-Bas", "voters"]
    with pytest.raises(QueryError, match="not a language tag"):
        run(kg, "ASK {}", lang="fr' ; DROP")


def test_parameters_given_as_a_values_row_answer_as_substituted_ones(kg: KnowledgeGraph) -> None:
    # Oxigraph gets parameters as one VALUES row (its planner sees them) rather than through
    # its own substitution (SEP-0007): every named question must answer alike either way.
    embedded = kg.engine
    assert isinstance(embedded, OxigraphEngine)
    compared = 0
    for name, question in named_questions().items():
        if not question.params:
            continue
        values = {p.name: p.default for p in question.params}
        given = run(kg, question.sparql, values)
        bindings = {ox.Variable(k): resolve_param(kg, v) for k, v in values.items()}
        try:
            substituted = embedded.store.query(
                question.sparql, prefixes=PREFIXES, substitutions=bindings
            )
        except RuntimeError:  # a parameter the SELECT does not project: substitution refuses
            continue
        assert isinstance(substituted, ox.QuerySolutions)
        rows = [tuple(s[v] for v in substituted.variables) for s in substituted]
        assert given.variables == [v.value for v in substituted.variables], name
        assert sorted(map(str, given.rows)) == sorted(map(str, rows)), name
        compared += bool(rows)
    assert compared >= 4  # not a vacuous comparison: four questions answer with their defaults


def test_a_query_with_no_where_group_gets_its_parameters_all_the_same(kg: KnowledgeGraph) -> None:
    iri = "kg:budapest-convention"
    described = run(kg, "DESCRIBE ?x", {"x": iri})
    assert described.triples == run(kg, "DESCRIBE ?x WHERE { }", {"x": iri}).triples
    assert len(described.triples) > 10
    # A query that cannot take the row (its group assigns ?x itself): substituted instead.
    assigned = "SELECT ?x WHERE { BIND (2 AS ?x) }"
    assert [row[0].value for row in run(kg, assigned, {"x": 2}).rows if row[0]] == ["2"]
    assert run(kg, assigned, {"x": 1}).rows == []
