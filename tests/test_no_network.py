"""No query, on any engine, opens a connection or fetches a file: SERVICE, FROM, LOAD, @context.

A listening socket on 127.0.0.1 counts the connections it accepts, and an audit hook records
every socket.connect this process makes. A positive control (--allow-federation) proves the
harness sees a connection when there is one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from netguard import CONNECTS, Listener

from octograph import InputError, KnowledgeGraph, OctographError, load
from octograph.cli import main
from octograph.graph.querying import run


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def engine_kg(request: pytest.FixtureRequest) -> KnowledgeGraph:
    return load(engine=request.param)


QUERIES = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "SELECT * FROM <{url}> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ASK FROM <{url}> { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } FROM <{url}> WHERE { ?s ?p ?o }",
    "LOAD <{url}>",
    "LOAD <file:///etc/passwd> INTO GRAPH <urn:x>",
]


@pytest.mark.parametrize("template", QUERIES)
def test_no_query_opens_a_connection(
    engine_kg: KnowledgeGraph, listener: Listener, template: str
) -> None:
    text = template.replace("{url}", f"http://127.0.0.1:{listener.port}/sparql")
    with pytest.raises(OctographError) as error:
        run(engine_kg, text)
    assert "\n" not in str(error.value)
    assert listener.accepted == 0
    assert CONNECTS == []


def test_remote_jsonld_context_is_not_fetched(listener: Listener, tmp_path: Path) -> None:
    data = tmp_path / "remote-context.jsonld"
    data.write_text(
        f'{{"@context": "http://127.0.0.1:{listener.port}/context.jsonld", '
        '"@id": "http://example.org/a", "name": "x"}',
        encoding="utf-8",
    )
    with pytest.raises(InputError):
        load([data])
    assert listener.accepted == 0
    assert CONNECTS == []


def test_cli_refuses_service_and_the_harness_sees_a_real_connection(
    listener: Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/s> {{ ?s ?p ?o }} }}"
    with pytest.raises(SystemExit) as e:
        main(["query", query])
    assert e.value.code == 2
    assert "SERVICE is disabled" in capsys.readouterr().err
    assert listener.accepted == 0
    # Positive control: with federation allowed, oxigraph does connect, and we see it.
    with pytest.raises(SystemExit):
        main(["query", query, "--allow-federation"])
    assert listener.accepted >= 1 or CONNECTS


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE { BIND('a\\'' AS ?x) SERVICE <{url}> { ?s ?p ?o } }",
        'SELECT * WHERE { BIND("a\\"" AS ?x) SERVICE <{url}> { ?s ?p ?o } }',
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:a\\' ?o . SERVICE <{url}> { } }",
    ],
)
def test_escapes_cannot_hide_a_service_clause(
    engine_kg: KnowledgeGraph, listener: Listener, template: str
) -> None:
    text = template.replace("{url}", f"http://127.0.0.1:{listener.port}/sparql")
    with pytest.raises(OctographError, match="SERVICE is disabled"):
        run(engine_kg, text)
    assert listener.accepted == 0
