"""What a person reads on a terminal: tables that fit, one column per thing, empty answers
explained, query semantics as expected, parse errors in words, and "did you mean"."""

from __future__ import annotations

import json

import pytest

from octograph import KnowledgeGraph, QueryError
from octograph.cli import main
from octograph.graph.querying import run, run_named
from octograph.sparql.questions import named_questions, question_groups
from octograph.sparql.table import header_text

SHOWCASE = ("query", "remedies-for-threat", "--param", "threat=cyberattacks", "--format", "table")

SHOWCASE_80 = """\
threat        report      remedy          message   modality  relation  actor
                                          number
------------  ----------  --------------  --------  --------  --------  --------
cyberattacks  Octopus     inter-agency,          8  should    involves  private
              Conference  public-private                                sector
              2019 — Key  and
              messages    international
                          cooperation
                          against
                          cyberattacks
cyberattacks  Octopus     inter-agency,          8  should    involves  public
              Conference  public-private                                sector
              2019 — Key  and
              messages    international
                          cooperation
                          against
                          cyberattacks
2 rows
"""

SHOWCASE_120 = """\
threat        report                    remedy                        message number  modality  relation  actor
------------  ------------------------  ----------------------------  --------------  --------  --------  --------------
cyberattacks  Octopus Conference 2019   inter-agency, public-private               8  should    involves  private sector
              — Key messages            and international
                                        cooperation against
                                        cyberattacks
cyberattacks  Octopus Conference 2019   inter-agency, public-private               8  should    involves  public sector
              — Key messages            and international
                                        cooperation against
                                        cyberattacks
2 rows
"""  # noqa: E501  (a terminal of 120 columns, as it is printed)


def call(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, width: int, *args: str
) -> tuple[int, str, str]:
    """The command line in a terminal *width* columns wide (COLUMNS, as a shell sets it)."""
    monkeypatch.setenv("COLUMNS", str(width))
    with pytest.raises(SystemExit) as e:
        main(list(args))
    out, err = capsys.readouterr()
    return int(e.value.code or 0), out, err


# ---------------------------------------------------------------- tables for people


@pytest.mark.parametrize(("width", "expected"), [(80, SHOWCASE_80), (120, SHOWCASE_120)])
def test_the_showcase_names_who_must_act(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, width: int, expected: str
) -> None:
    code, out, _ = call(capsys, monkeypatch, width, *SHOWCASE)
    assert code == 0
    assert out == expected


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in named_questions()])
def test_every_question_fits_the_terminal_one_column_per_thing(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kg: KnowledgeGraph,
    width: int,
    name: str,
) -> None:
    code, out, _ = call(capsys, monkeypatch, width, "query", name, "--format", "table")
    assert code == 0, out
    assert max(len(line) for line in out.splitlines()) <= width
    assert "…" not in out  # long cells wrap, they are never cut
    variables = run_named(kg, name).variables
    for twin in (v + "Label" for v in variables if v + "Label" in variables):
        assert header_text(twin) not in out, f"{twin} printed beside its IRI column"


def test_key_messages_at_80_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = call(capsys, monkeypatch, 80, "query", "key-messages", "--format", "table")
    assert out.splitlines()[:5] == [
        "number  message                         title                           passages",
        "------  ------------------------------  ------------------------------  --------",
        "     1  Key message 1: the Budapest     The Budapest Convention is             4",
        "        Convention is likely to remain  likely to remain the most",
        "        the most relevant agreement     relevant agreement",
    ]


def test_too_many_columns_are_shown_row_by_row(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = call(capsys, monkeypatch, 80, "query", "path", "--format", "table")
    assert out.splitlines()[:7] == [
        "-- row 1 -------------------------------",
        "from        Budapest Convention",
        "to          Council of Europe",
        "hops        1",
        "relation1   administered by",
        "modality1   states",
        "direction1  forward",
    ]
    assert max(len(line) for line in out.splitlines()) <= 80


def test_iris_shows_iris_and_no_label_twin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = call(capsys, monkeypatch, 400, *SHOWCASE, "--iris")
    assert out.splitlines()[0].split() == [
        "threat",
        "report",
        "remedy",
        "message",
        "number",
        "modality",
        "relation",
        "actor",
    ]
    assert "https://w3id.org/octograph/id/private-sector" in out


def test_an_empty_answer_says_what_it_means(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("query", "remedies-for-threat", "--param", "threat=kg:france", "--format", "table")
    _, out, _ = call(capsys, monkeypatch, 80, *args)
    assert out == "No rows: no remedy in the loaded reports addresses this threat.\n"
    empty = "SELECT ?x WHERE { ?x a octo:Threat ; octo:messageNumber 99 }"
    _, out, _ = call(capsys, monkeypatch, 80, "query", empty, "--format", "table")
    assert out == "No rows: nothing in the loaded graphs matches the query.\n"


def test_every_question_says_what_an_empty_answer_means() -> None:
    for question in named_questions().values():
        assert question.empty.startswith("No rows: "), question.name
        assert question.topic, question.name
        assert "octo:" not in question.description, question.name


# ---------------------------------------------------------------- query semantics


def test_select_star_keeps_the_order_written(kg: KnowledgeGraph) -> None:
    results = run(kg, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert results.variables == ["s", "p", "o"]
    results = run(kg, "SELECT * WHERE { ?zebra a ?ant . ?zebra rdfs:label ?mole } LIMIT 1")
    assert results.variables == ["zebra", "ant", "mole"]


def test_limit_applies_to_construct(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("query", "CONSTRUCT WHERE { ?s ?p ?o }", "--limit", "3", "--format", "nt")
    code, out, _ = call(capsys, monkeypatch, 80, *args)
    assert code == 0
    assert len(out.splitlines()) == 3


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table", "srj", "srx"])
def test_every_output_ends_with_a_newline(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    code, out, _ = call(capsys, monkeypatch, 80, "query", "key-messages", "--format", fmt)
    assert code == 0
    assert out.endswith("\n")
    if fmt in {"json", "srj"}:
        assert len(json.loads(out)["results"]["bindings"]) == 9


def test_lang_applies_to_every_label(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("query", "instruments", "--lang", "fr", "--format", "csv")
    _, out, _ = call(capsys, monkeypatch, 80, *args)
    row = out.splitlines()[1].split(",")
    assert row[1] == "Convention de Budapest"  # instrumentLabel
    assert row[-1] == "Conseil de l'Europe"  # bodyLabel
    args = ("query", "instruments", "--lang", "fr", "--format", "table")
    _, out, _ = call(capsys, monkeypatch, 160, *args)
    assert out.splitlines()[2].startswith("Convention de Budapest  ")
    assert "Conseil de l'Europe" in out.splitlines()[2]


def test_describe_tells_the_meaning_and_parameters(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = call(capsys, monkeypatch, 80, "query", "--describe", "remedies-for-threat")
    assert code == 0
    assert out.startswith("Remedies proposed against a threat\n\nThe remedies the report ")
    assert "  --param threat=... (default 'interference with elections'): the threat" in out
    for engine_note in ("Oxigraph", "Virtuoso", "planner", "rdflib", "SELECT"):
        assert engine_note not in out


# ---------------------------------------------------------------- errors in plain words


@pytest.mark.parametrize(
    ("text", "message", "caret"),
    [
        pytest.param(
            "SELECT * WHERE { ?s ?p ",
            "query line 1, column 23: a triple pattern needs a subject, a predicate and an "
            "object: the object is missing",
            "  SELECT * WHERE { ?s ?p\n                        ^",
            id="cut-short",
        ),
        pytest.param(
            "SELECT * WHERE { ?s ?p ?o ",
            'query line 1, column 26: the group opened at line 1, column 16 is not closed: a "}"'
            " is missing",
            "  SELECT * WHERE { ?s ?p ?o\n                           ^",
            id="group-open",
        ),
        pytest.param(
            "SELECT *\nWHERE { ?s ?p ?o FILTER(?o > 2 }",
            "query line 2, column 32: the parenthesis opened at line 2, column 24 is not closed: "
            'a ")" is missing',
            "  WHERE { ?s ?p ?o FILTER(?o > 2 }\n                                 ^",
            id="paren-open",
        ),
        pytest.param(
            'SELECT * WHERE { ?s ?p "abc }',
            "query line 1, column 24: the string that starts here is not closed",
            '  SELECT * WHERE { ?s ?p "abc }\n                         ^',
            id="string-open",
        ),
        pytest.param(
            "SELECT * WHERE { ?s ?p ?o } }",
            'query line 1, column 29: this "}" closes no group',
            "  SELECT * WHERE { ?s ?p ?o } }\n                              ^",
            id="extra-brace",
        ),
    ],
)
def test_parse_errors_say_what_is_missing(
    kg: KnowledgeGraph, text: str, message: str, caret: str
) -> None:
    with pytest.raises(QueryError) as e:
        run(kg, text)
    assert str(e.value) == message
    assert e.value.excerpt == caret
    assert "expected" not in str(e.value)


def test_the_caret_reaches_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = call(capsys, monkeypatch, 80, "query", "SELECT * WHERE { ?s ?p ")
    assert (code, out) == (2, "")
    assert err == (
        "error: query line 1, column 23: a triple pattern needs a subject, a predicate and an "
        "object: the object is missing\n"
        "  SELECT * WHERE { ?s ?p\n"
        "                        ^\n"
    )


@pytest.mark.parametrize("update", ["INSERT DATA { kg:a kg:b kg:c }", "DELETE WHERE { ?s ?p ?o }"])
def test_updates_are_refused_as_updates(kg: KnowledgeGraph, update: str) -> None:
    word = update.split()[0]
    with pytest.raises(QueryError) as e:
        run(kg, update)
    assert str(e.value) == (
        f"{word} is a SPARQL update: octograph never changes the graph; "
        "ask with SELECT, ASK, CONSTRUCT or DESCRIBE"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("qurey",),
            "error: octograph: unknown command 'qurey'; did you mean query? "
            "(octograph --help lists them)\n",
            id="command",
        ),
        pytest.param(
            ("--engine", "oxigrap", "stats"),
            "error: octograph: --engine: 'oxigrap' is not a choice; did you mean oxigraph?\n",
            id="choice",
        ),
        pytest.param(
            ("query", "key-messages", "--format", "jsn"),
            "error: unknown result format 'jsn' (choose from table, csv, tsv, json, xml); "
            "did you mean json?\n",
            id="format",
        ),
        pytest.param(
            ("query", "key-messages", "--format", "ttl"),
            "error: 'ttl' (turtle) is an RDF format, for CONSTRUCT and DESCRIBE; a SELECT or "
            "ASK answer is one of table, csv, tsv, json, xml\n",
            id="rdf-format-for-select",
        ),
        pytest.param(
            ("query", "threats-by-mesage"),
            "error: no named question 'threats-by-mesage'; did you mean threats-by-message, "
            "key-messages, threats-without-remedy?\n",
            id="question",
        ),
        pytest.param(
            ("query", "remedies-for-threat", "--param", "threat=nobody"),
            "error: no entity is labelled 'nobody'\n",  # no class ('Body') offered
            id="label-no-class",
        ),
        pytest.param(
            ("query", "remedies-for-threat", "--param", "threat=cyberatacks"),
            "error: no entity is labelled 'cyberatacks' (did you mean 'cyberattacks', "
            "'cybersecurity actors', 'cybercrime'?)\n",
            id="label",
        ),
        pytest.param(
            ("rank", "--types", "Stakholder"),
            "error: --types: no entity of category 'Stakholder'; did you mean Stakeholder?\n",
            id="rank-category",
        ),
    ],
)
def test_did_you_mean(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    message: str,
) -> None:
    code, _, err = call(capsys, monkeypatch, 80, *args)
    assert (code, err) == (2, message)


def test_the_usual_format_aliases(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = "CONSTRUCT WHERE { kg:france ?p ?o }"
    select = "SELECT ?n WHERE { ?m octo:messageNumber ?n }"
    for alias, text, first in [
        ("ttl", graph, "@prefix"),
        ("nt", graph, "<"),
        ("nq", graph, "<"),
        ("jsonld", graph, "["),
        ("rdf", graph, "<?xml"),
        ("srj", select, '{"head":{"vars":["n"]}'),
        ("srx", select, '<?xml version="1.0"?><sparql'),
    ]:
        code, out, err = call(capsys, monkeypatch, 80, "query", text, "--format", alias)
        assert code == 0, (alias, err)
        assert out.startswith(first), alias


def test_rank_has_headers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = call(capsys, monkeypatch, 80, "rank", "--types", "Stakeholder", "--top", "2")
    assert code == 0
    assert out == (
        "Stakeholder:\n"
        "  relations  betweenness  entity\n"
        "          7        0.054  stakeholders\n"
        "          6        0.426  private sector\n"
    )


# ---------------------------------------------------------------- the questions by topic


def test_list_groups_the_questions_by_topic(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = call(capsys, monkeypatch, 80, "query", "--list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Threats and remedies:"
    assert (
        "  remedies-for-threat        Remedies proposed against a threat  "
        "[threat='interference with elections']"
    ) in lines
    topics = [line[:-1] for line in lines if line and not line.startswith(" ")]
    assert topics[-1] == "Comparing reports"
    assert len(topics) == 7
    assert sum(1 for line in lines if line.startswith("  ")) == len(named_questions())


def test_questions_are_grouped_by_topic_comparisons_only_with_two_reports() -> None:
    questions = named_questions()
    one = question_groups(questions, reports=1)
    two = question_groups(questions, reports=2)
    assert one[0][0] == "Threats and remedies"
    assert "Comparing reports" not in [topic for topic, _ in one]
    assert two[-1][0] == "Comparing reports"
    assert sorted(q.name for q in two[-1][1]) == ["diff-entities", "diff-figures", "diff-relations"]
    assert sum(len(listed) for _, listed in two) == len(questions)
