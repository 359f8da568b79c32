"""The command line: output and exit status of each command, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import rdflib

from octograph.cli import main


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "octograph", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    out, err = capsys.readouterr()
    return int(e.value.code or 0), out, err


def test_stats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "stats", "--format", "json")
    assert code == 0
    stats = json.loads(out)
    assert stats["passages"] == 49
    assert stats["key_messages"] == 9


def test_validate_passes_on_the_bundled_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "validate")
    assert code == 0, out
    assert out.rstrip().endswith("valid")


def test_validate_exits_1_on_damaged_data(
    capsys: pytest.CaptureFixture[str], data_copy: Path
) -> None:
    structure = data_copy / "octopus-2019" / "structure.trig"
    structure.write_text(
        structure.read_text(encoding="utf-8").replace("oa:start 1304 ;", "oa:start 1300 ;"),
        encoding="utf-8",
    )
    code, out, _ = call(capsys, "--data", str(data_copy), "validate")
    assert code == 1
    assert "[quotes] kg:octopus-2019/passage/13" in out


def test_syntax_error_is_one_line_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text("<a:b> { <a:s> <a:p> ", encoding="utf-8")
    r = run("--data", str(bad), "validate")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"error: {bad}:1:")
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "nquads", "jsonld", "xml"])
def test_export_to_file_parses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"kg.{fmt}"
    code, _, err = call(capsys, "export", "--format", fmt, "-o", str(out))
    assert code == 0, err
    names = {
        "turtle": "turtle",
        "trig": "trig",
        "nt": "nt",
        "nquads": "nquads",
        "jsonld": "json-ld",
        "xml": "xml",
    }
    ds = rdflib.Dataset()
    ds.parse(out, format=names[fmt])
    assert sum(len(g) for g in ds.graphs()) > 1500


def test_export_into_a_missing_folder_leaves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, err = call(capsys, "export", "-o", str(tmp_path / "no" / "kg.ttl"))
    assert code == 2
    assert err == f"error: {tmp_path / 'no'}: folder does not exist\n"
    assert not (tmp_path / "no").exists()


def test_export_failure_keeps_the_old_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "kg.ttl"
    target.write_text("old", encoding="utf-8")
    code, _, _ = call(capsys, "export", "--format", "bogus", "-o", str(target))
    assert code == 2
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


# Thirteen (message, threat) pairs: see the threats-by-message question.
QUERY = "SELECT ?m ?t WHERE { ?m octo:identifiesThreat ?t } ORDER BY ?m ?t"


def test_query_csv_json_xml_tsv_parse(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = call(capsys, "query", QUERY, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["m", "t"]
    assert len(rows) == 14
    _, out, _ = call(capsys, "query", QUERY, "--format", "json")
    assert len(json.loads(out)["results"]["bindings"]) == 13
    _, out, _ = call(capsys, "query", QUERY, "--format", "xml")
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert len(ElementTree.fromstring(out).findall("s:results/s:result", ns)) == 13
    _, out, _ = call(capsys, "query", QUERY, "--format", "tsv")
    assert out.splitlines()[0] == "?m\t?t"
    assert len(out.splitlines()) == 14


def test_query_table_shows_labels_and_the_cut(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that no IRI wraps
    code, out, _ = call(capsys, "query", QUERY, "--format", "table", "--limit", "2")
    assert code == 0
    assert "Key message 2: interference with elections" in out
    assert out.rstrip().endswith("2 rows (cut by --limit; there are more)")
    _, out, _ = call(capsys, "query", QUERY, "--format", "table", "--iris")
    assert "https://w3id.org/octograph/id/octopus-2019/message/2" in out


def test_ask_sets_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert call(capsys, "query", "ASK { kg:france a octo:Country }")[:2] == (0, "true\n")
    assert call(capsys, "query", "ASK { kg:france a octo:Treaty }")[:2] == (1, "false\n")


def test_construct_gives_turtle(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(
        capsys,
        "query",
        "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a octo:Treaty ; rdfs:label ?l "
        'FILTER(LANG(?l) = "en") }',
    )
    assert code == 0
    g = rdflib.Graph().parse(data=out, format="turtle")
    assert len(g) == 3


def test_query_from_file_and_stdin(tmp_path: Path) -> None:
    q = tmp_path / "q.rq"
    q.write_text("ASK { kg:japan a octo:Country }", encoding="utf-8")
    assert run("query", "-f", str(q)).stdout == "true\n"
    assert run("query", "-f", "-", stdin="ASK { kg:japan a octo:Treaty }").returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("query", "SELECT ?x WHERE { ?x ?y }"),
            "error: query line 1, column 25: a triple pattern needs a subject, a predicate and an "
            "object: the object is missing\n  SELECT ?x WHERE { ?x ?y }\n"
            "                          ^\n",
            id="syntax",
        ),
        pytest.param(
            ("query", "SELECT ?x WHERE { ?x foo:bar ?y }"),
            'error: query line 1, column 22: unknown prefix "foo:" (declare it with PREFIX foo: '
            "<...>)\n  SELECT ?x WHERE { ?x foo:bar ?y }\n                       ^\n",
            id="prefix",
        ),
        pytest.param(
            ("query", "threats-by-mesage"),
            "error: no named question 'threats-by-mesage'",
            id="unknown-name",
        ),
        pytest.param(
            ("query", "ASK {}", "--format", "yaml"),
            "error: unknown result format 'yaml'",
            id="format",
        ),
        pytest.param(("query", "-f", "/nonexistent.rq"), "error: /nonexistent.rq: ", id="file"),
        pytest.param(
            ("query", "ASK {}", "--param", "novalue"), "error: --param takes NAME=VALUE", id="param"
        ),
        pytest.param(
            ("query", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
            "error: SERVICE is disabled",
            id="service",
        ),
        pytest.param(
            ("export", "--format", "yaml"),
            "error: unknown format 'yaml' (choose from turtle, trig",
            id="export-format",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, _, err = call(capsys, *args)
    assert code == 2
    assert err.startswith(message), err
    # One line; a query that does not parse adds its line and a caret under the column.
    assert err.count("\n") == (3 if "query line" in message else 1)


def test_why_adds_the_passages_behind_each_row(capsys: pytest.CaptureFixture[str]) -> None:
    query = "SELECT ?b WHERE { kg:budapest-convention octo:followedUpBy ?b }"
    code, out, _ = call(capsys, "query", query, "--why", "--format", "json")
    assert code == 0
    [row] = json.loads(out)["results"]["bindings"]
    assert row["why_passages"]["value"] == "12"
    assert row["why_quotes"]["value"].startswith("¶12 It is backed up by assessments")


def test_view_writes_one_page_and_prints_its_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = call(capsys, "view", "--focus", "Budapest Convention", "--depth", "2")
    assert code == 0, err
    assert out == "octograph-view.html\n"
    assert [p.name for p in tmp_path.iterdir()] == ["octograph-view.html"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("view", "--focus", "Budapst"),
            "error: no entity is labelled 'Budapst' (did you mean 'Budapest Convention'",
            id="focus",
        ),
        pytest.param(
            ("view", "--types", "Threat", "--message", "1"),
            "error: the selection types=Threat message=1 is empty",
            id="empty",
        ),
        pytest.param(
            ("view", "-o", "/nonexistent/v.html"),
            "error: /nonexistent: folder does not exist",
            id="folder",
        ),
        pytest.param(
            ("path", "Christchurch Call", "nowhere"),
            "error: no entity is labelled 'nowhere'",
            id="path",
        ),
    ],
)
def test_view_and_path_errors(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, _, err = call(capsys, *args)
    assert code == 2
    assert err.startswith(message), err


def test_path_and_rank(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "path", "Christchurch Call", "private sector")
    assert code == 0
    assert out.splitlines()[0] == (
        "1. Christchurch Call —basis for→ procedures for immediate response"
    )
    assert "¶22 “Procedures for immediate response" in out
    code, out, _ = call(capsys, "rank", "--types", "Stakeholder", "--top", "1", "--format", "json")
    # The stakeholders whom ¶17, ¶19 and ¶24 require to act are now the most connected.
    assert json.loads(out)["Stakeholder"][0]["label"] == "stakeholders"


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_graph_export_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"g.{fmt}"
    code, _, err = call(
        capsys, "export", "--format", fmt, "-o", str(out), "--types", "Threat,Remedy"
    )
    assert code == 0, err
    assert "Remedy" in out.read_text(encoding="utf-8")


def test_search_prints_passages_and_exits_1_when_nothing_matches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = call(capsys, "search", "WHOIS", "--format", "json")
    assert code == 0
    [hit] = json.loads(out)
    assert (hit["number"], hit["message"]) == (36, 7)
    code, out, _ = call(capsys, "search", "xylophone")
    assert (code, out) == (1, "0 passages\n")


def test_diff_of_a_report_with_itself(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "diff", "octopus-2019", "octopus-2019", "--format", "json")
    assert code == 0
    assert json.loads(out)["figures"] == []


def test_draft_writes_a_folder_and_refuses_a_known_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mini = Path(__file__).parent / "data" / "mini-report.txt"
    code, out, err = call(
        capsys, "draft", str(mini), "--id", "mini-2030", "-o", str(tmp_path / "mini-2030")
    )
    assert code == 0, err
    assert out.startswith(f"{tmp_path / 'mini-2030'}: 8 passages, 2 key messages")
    code, _, err = call(
        capsys, "draft", str(mini), "--id", "octopus-2019", "-o", str(tmp_path / "again")
    )
    assert code == 2
    assert err == "error: a report with id 'octopus-2019' exists already (use --force)\n"
    assert not (tmp_path / "again").exists()


def test_lang_chooses_the_labels_of_tables(capsys: pytest.CaptureFixture[str]) -> None:
    query = "SELECT ?c WHERE { VALUES ?c { kg:netherlands kg:japan } } ORDER BY ?c"
    code, out, _ = call(capsys, "--lang", "fr", "query", query, "--format", "table")
    assert code == 0
    assert "Pays-Bas" in out
    assert "Japon" in out


# Every triple joined with every other twice: ~5,600³ rows to count, minutes of work.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_runaway_query_stops_at_its_timeout(tmp_path: Path) -> None:
    out = tmp_path / "answer.csv"
    r = run("query", RUNAWAY, "--timeout", "1", "-o", str(out))
    assert r.returncode == 2
    assert r.stderr == "error: stopped after 1 s (--timeout); nothing was written\n"
    assert not out.exists()
    assert run("query", "key-messages", "--timeout", "0").returncode == 2


@pytest.mark.parametrize("command", [["query", "tensions"], ["serve", "--port", "0"]])
@pytest.mark.parametrize("seconds", ["0", "-1", "nan", "inf", "1e300", "soon"])
def test_a_time_limit_no_wait_can_keep_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], command: list[str], seconds: str
) -> None:
    # "inf" and "1e300" overflowed the lock's wait (a traceback), and a server without a
    # limit would never stop a runaway query.
    code, out, err = call(capsys, *command, "--timeout", seconds)
    assert code == 2
    assert out == ""
    last = err.strip().splitlines()[-1]
    assert "--timeout" in last
    assert f"expected a number of seconds above 0 and at most 9.22337e+09, got {seconds!r}" in last
    assert "Traceback" not in err


def test_ctrl_c_stops_a_runaway_query() -> None:
    import signal
    import time

    child = subprocess.Popen(
        [sys.executable, "-m", "octograph", "query", RUNAWAY],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)  # started (about 0.1 s) and deep in the query
    child.send_signal(signal.SIGINT)
    try:
        out, err = child.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        pytest.fail("Ctrl-C did not stop the query")
    assert (child.returncode, out, err) == (130, "", "")
