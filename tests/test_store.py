"""Store choice: the --store spec, the persistent Oxigraph folder, query rewriting for servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from octograph import InputError, KnowledgeGraph, OctographError, StoreError, load
from octograph.engines.embedded import OxigraphEngine
from octograph.engines.ondisk import MARKER, open_persistent
from octograph.engines.rewrite import MANIFEST_GRAPH, UNION_GRAPH, canonical, query_form, rewrite
from octograph.engines.spec import parse_spec, redact
from octograph.graph.load import bundled_ontology, data_files
from octograph.sparql.lexer import where_group

XSD = "http://www.w3.org/2001/XMLSchema#"


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OCTOGRAPH_")}
    return subprocess.run(
        [sys.executable, "-m", "octograph", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**clean, **env},
    )


# ---------------------------------------------------------------- the spec


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("oxigraph", "oxigraph"),
        ("memory", "memory"),
        ("oxigraph:/tmp/x", "oxigraph"),
        ("sparql:http://127.0.0.1:8890/sparql", "sparql"),
        ("sparql:https://u:p@example.org/q", "sparql"),
    ],
)
def test_specs(text: str, kind: str) -> None:
    assert parse_spec(text).kind == kind


@pytest.mark.parametrize("text", ["oxygraph", "memory:x", "sparql:ftp://x", "sparql:", "oxigraph:"])
def test_unknown_specs_are_refused(text: str) -> None:
    with pytest.raises(OctographError, match="unknown store"):
        parse_spec(text)


def test_credentials_never_show() -> None:
    spec = parse_spec("sparql:http://admin:s3cret@127.0.0.1:1/sparql")
    assert "s3cret" not in str(spec)
    assert redact("see http://a:b@h/x and https://c@h/y") == "see http://h/x and https://h/y"


def test_bad_store_option_is_one_line_exit_2() -> None:
    r = cli("--store", "sparql:ftp://me:secret@x/y", "stats")
    assert r.returncode == 2
    assert r.stderr.startswith("error: unknown store 'sparql:ftp://x/y'")
    assert "secret" not in r.stderr


# ---------------------------------------------------------------- memory = rdflib


def test_memory_store_is_the_rdflib_engine(kg: KnowledgeGraph) -> None:
    mem = load(store="memory")
    assert mem.engine.name == "rdflib"
    q = "SELECT ?m ?n WHERE { ?m octo:messageNumber ?n } ORDER BY ?n"
    assert mem.query(q).rows == kg.query(q).rows


# ---------------------------------------------------------------- persistent Oxigraph


@pytest.fixture
def files(data_copy: Path) -> list[Path]:
    return data_files([data_copy])


def test_built_once_then_reopened_read_only(
    tmp_path: Path, files: list[Path], kg: KnowledgeGraph
) -> None:
    folder = tmp_path / "kg"
    store, own, built = open_persistent(folder, files, bundled_ontology())
    assert built
    assert (folder / MARKER).is_file()
    del store
    store, own, built = open_persistent(folder, files, bundled_ontology())
    assert not built
    with pytest.raises((OSError, RuntimeError), match=r"read-write|read-only|Read"):
        store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal("c")))
    reopened = KnowledgeGraph(OxigraphEngine(store, own), files=files)
    assert reopened.stats() == kg.stats()
    assert reopened.export("nquads") == kg.export("nquads")
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?c octo:hostedBy kg:council-of-europe }"
    assert reopened.query(q).to_dicts() == [{"n": 1}]  # the union is a set here too


def test_a_changed_file_rebuilds(tmp_path: Path, files: list[Path], data_copy: Path) -> None:
    folder = tmp_path / "kg"
    open_persistent(folder, files, bundled_ontology())
    statements = data_copy / "octopus-2019" / "statements.trig"
    statements.write_text(
        statements.read_text(encoding="utf-8").replace(
            "p:2 { c:conference octo:theme", 'p:2 { c:conference octo:theme "x"@en ; octo:theme'
        ),
        encoding="utf-8",
    )
    store, _, built = open_persistent(folder, files, bundled_ontology())
    assert built
    kg = KnowledgeGraph(OxigraphEngine(store), files=files)
    assert kg.query('ASK { ?c octo:theme "x"@en }').boolean
    # One database folder: the old one was removed after the new one took its place.
    assert len([p for p in folder.iterdir() if p.name.startswith("db-")]) == 1


def test_a_bad_file_leaves_the_old_store(
    tmp_path: Path, files: list[Path], data_copy: Path
) -> None:
    folder = tmp_path / "kg"
    open_persistent(folder, files, bundled_ontology())
    marker = (folder / MARKER).read_text()
    bad = data_copy / "octopus-2019" / "report.trig"
    bad.write_text("<a:b> { <a:s> <a:p> ", encoding="utf-8")
    with pytest.raises(InputError, match=r"report\.trig"):
        open_persistent(folder, files, bundled_ontology())
    assert (folder / MARKER).read_text() == marker
    assert not [p for p in folder.iterdir() if p.name.startswith(".build-")]


def test_a_folder_that_is_not_a_store_is_refused(tmp_path: Path, files: list[Path]) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="is not an octograph store"):
        open_persistent(mine, files, bundled_ontology())
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    r = cli("--store", f"oxigraph:{mine}", "stats")
    assert r.returncode == 2
    assert r.stderr == (
        f"error: oxigraph:{mine}: is not an octograph store (no {MARKER}); "
        "give a new or empty folder\n"
    )


def test_a_file_is_not_a_store(tmp_path: Path, files: list[Path]) -> None:
    f = tmp_path / "x"
    f.write_text("")
    with pytest.raises(StoreError, match="is a file"):
        open_persistent(f, files, bundled_ontology())


def test_cli_load_then_query_and_environment(tmp_path: Path) -> None:
    folder = tmp_path / "kg"
    r = cli("load", "--store", f"oxigraph:{folder}")
    assert r.returncode == 0, r.stderr
    assert f"oxigraph:{folder}:" in r.stdout
    assert "verified" in r.stdout
    default = cli("query", "key-messages", "--format", "csv")
    stored = cli("query", "key-messages", "--format", "csv", OCTOGRAPH_STORE=f"oxigraph:{folder}")
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout == default.stdout
    # The option wins over the environment.
    r = cli("--store", "oxigraph", "stats", OCTOGRAPH_STORE="sparql:http://127.0.0.1:1/x")
    assert r.returncode == 0, r.stderr
    info = json.loads((folder / MARKER).read_text())
    assert info["fingerprint"]
    assert (folder / info["db"]).is_dir()


def test_processes_building_the_same_new_store_at_once_all_answer(tmp_path: Path) -> None:
    folder = tmp_path / "kg"
    command = [sys.executable, "-m", "octograph", "--store", f"oxigraph:{folder}"]
    racing = [
        subprocess.Popen(
            [*command, "query", "key-messages", "--format", "csv"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    # One builds while the others wait for its lock: a build in progress is not a foreign folder.
    answers = [p.communicate(timeout=120) for p in racing]
    assert [p.returncode for p in racing] == [0, 0, 0], [err for _, err in answers]
    assert len({out for out, _ in answers}) == 1
    assert [p.name for p in folder.iterdir() if p.name.startswith(".build-")] == []


def test_data_with_a_sparql_store_is_refused() -> None:
    with pytest.raises(InputError, match="--data is for octograph push"):
        load(["x"], store="sparql:http://127.0.0.1:1/sparql")


# ---------------------------------------------------------------- rewriting for servers


def test_the_where_group_goes_inside_the_union_graph() -> None:
    text = rewrite("SELECT ?s WHERE { ?s a ?c } ORDER BY ?s")
    assert text.startswith(f"SELECT ?s WHERE {{ GRAPH <{UNION_GRAPH}> {{ ?s a ?c }} }}")
    assert text.rstrip().endswith("ORDER BY ?s")


def test_graph_variables_are_kept_to_the_manifest() -> None:
    text = rewrite("SELECT * { GRAPH ?g { ?s ?p ?o } GRAPH <http://x> { ?a ?b ?c } }")
    assert f"{{ GRAPH ?g {{ ?s ?p ?o }} GRAPH <{MANIFEST_GRAPH}> {{ <{UNION_GRAPH}>" in text
    assert text.count(f"<{MANIFEST_GRAPH}>") == 1  # a named graph needs no filter


def test_nested_graph_patterns() -> None:
    text = rewrite("SELECT * { GRAPH ?a { ?s ?p ?o GRAPH ?b { ?x ?y ?z } } }")
    assert text.count(f"<{MANIFEST_GRAPH}>") == 2
    assert text.count("{") == text.count("}")


def test_a_query_with_its_own_dataset_is_left_alone() -> None:
    text = "SELECT ?from WHERE { ?from ?p ?o }"
    assert UNION_GRAPH in rewrite(text)  # ?from is a variable, not FROM
    own = "SELECT * FROM <http://x> WHERE { ?s ?p ?o }"
    assert rewrite(own) == own


def test_construct_template_is_skipped_and_values_bound() -> None:
    text = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }"
    group = where_group(text)
    assert group is not None
    assert text[group[0] : group[1] + 1] == "{ ?s a ?c }"
    bound = rewrite(text, {"c": ox.NamedNode("http://x/C")})
    assert bound.startswith(
        f"CONSTRUCT {{ ?s a ?c }} WHERE {{ GRAPH <{UNION_GRAPH}> {{ VALUES (?c)"
    )


def test_parameters_are_bound_where_the_group_s_binds_and_filters_see_them() -> None:
    # Outside the union's group, ?a would join after the group's BIND had seen it unbound.
    bound = rewrite("SELECT ?x WHERE { BIND(?a AS ?x) }", {"a": ox.NamedNode("http://x/A")})
    assert f"GRAPH <{UNION_GRAPH}> {{ VALUES (?a) {{ (<http://x/A>) }} " in bound
    assert query_form("# SELECT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"


def test_graph_membership_is_a_join_or_a_filter_on_the_manifest() -> None:
    text = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
    test = f"GRAPH <{MANIFEST_GRAPH}> {{ <{UNION_GRAPH}> <http://rdfs.org/ns/void#subset> ?g }}"
    joined = rewrite(text)
    assert f"{{ GRAPH ?g {{ ?s ?p ?o }} {test} }}" in joined
    assert "EXISTS" not in joined
    assert f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER EXISTS {{ {test} }} }}" in rewrite(
        text, membership="exists"
    )
    with pytest.raises(ValueError, match="membership is join or exists"):
        rewrite(text, membership="semi-join")


def test_strings_and_iris_do_not_confuse_the_rewrite() -> None:
    # A brace in a string must not count; SPARQL IRIs cannot hold one (IRIREF excludes {}).
    text = 'SELECT * WHERE { ?s ?p "GRAPH ?g { }" . ?s ?q <http://x/?a=b#c> }'
    out = rewrite(text)
    assert f"<{MANIFEST_GRAPH}>" not in out
    assert '"GRAPH ?g { }"' in out


@pytest.mark.parametrize(
    ("lexical", "datatype", "expected"),
    [
        ("1", "boolean", "true"),
        ("0", "boolean", "false"),
        ("064", "integer", "64"),
        ("1.50", "decimal", "1.5"),
        ("2.0", "decimal", "2"),
        ("2019-11-20", "date", "2019-11-20"),
    ],
)
def test_literals_come_back_as_oxigraph_writes_them(
    lexical: str, datatype: str, expected: str
) -> None:
    term = canonical(ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype)))
    assert term.value == expected


def test_a_build_killed_midway_leaves_a_store_that_reopens(tmp_path: Path) -> None:
    """kill -9 during a rebuild: the store still opens, on the data it was last built from."""
    import signal
    import time

    from octograph.authoring.synth import synthesize

    store = tmp_path / "kg"
    corpus = tmp_path / "corpus"
    synthesize(corpus, reports=800, seed=3)  # a build of several seconds, killed at 1.5 s
    octograph = [sys.executable, "-m", "octograph"]
    done = subprocess.run(
        [*octograph, "--store", f"oxigraph:{store}", "stats"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    child = subprocess.Popen(
        [*octograph, "--data", str(corpus), "--store", f"oxigraph:{store}", "load"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.5)
    child.send_signal(signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL, "the build ended before it could be interrupted"
    again = subprocess.run(
        [*octograph, "--store", f"oxigraph:{store}", "stats", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert '"passages": 49' in again.stdout
