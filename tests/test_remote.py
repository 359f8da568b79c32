"""Remote stores for real: Virtuoso 7 and the Oxigraph server, pushed to and queried.

Every named question gives the same answer on the embedded engine and on each server,
compared as multisets of cells (an IRI in full, a literal's lexical form, None if unbound) as
the questions' ``.expected.json`` files record them.
Servers start on 127.0.0.1 from tests/servers.py; bad input needs no server but a stub.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from servers import VIRTUOSO_PASSWORD, VIRTUOSO_USER, Server, oxigraph_server, virtuoso

from octograph import KnowledgeGraph, StoreError, load
from octograph.engines.http import RemoteOptions, SparqlStore
from octograph.engines.remote import RemoteEngine, open_remote
from octograph.engines.rewrite import MANIFEST_GRAPH, UNION_GRAPH
from octograph.namespaces import ID
from octograph.push import push
from octograph.search import PassageIndex
from octograph.sparql.questions import named_questions
from octograph.sparql.results import Results

KG = "https://w3id.org/octograph/id/"
SERVERS = ("virtuoso", "oxigraph-server")

# Named questions Virtuoso 7.2.5 (Debian bookworm) answers wrongly, each a bug of that server
# met with property paths of the form p* (zero or more steps) inside a larger query: rows lost
# when ORDER BY sorts them, FILTER NOT EXISTS over a path evaluated as true, or an error for a
# path with neither end bound. The Oxigraph server answers all of them like the embedded store.
VIRTUOSO_PATH_BUGS = {
    "capacity-building": "a/rdfs:subClassOf* with ORDER BY loses rows",
    "instruments": "?class rdfs:subClassOf* with ORDER BY loses rows",
    "instruments-and-threats": "rdfs:subPropertyOf* inside UNION loses rows",
}


def _env(**extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("OCTOGRAPH_")}
    env.update(extra)
    return env


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "octograph", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=_env(**env),
    )


def options(server: Server) -> RemoteOptions | None:
    if server.name == "virtuoso":
        return RemoteOptions(user=VIRTUOSO_USER, password=VIRTUOSO_PASSWORD)
    return None


@pytest.fixture(scope="session", params=SERVERS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """Each server, started once per session, with the bundled report pushed to it."""
    folder = tmp_path_factory.mktemp(request.param)
    start = virtuoso if request.param == "virtuoso" else oxigraph_server
    with start(folder) as s:
        remote = SparqlStore(s.url, options(s))
        # A graph of someone else's, there before octograph's push and after it.
        remote.graph_store(
            "PUT",
            "https://example.org/theirs",
            b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n",
        )
        push(load(), remote)
        remote.close()
        yield s


@pytest.fixture(scope="session")
def local() -> KnowledgeGraph:
    return load()


def remote_kg(server: Server) -> KnowledgeGraph:
    return load(store=f"sparql:{server.url}", remote=options(server))


def remote_client(server: Server) -> SparqlStore:
    return open_remote(server.url, options(server)).client


def cells(results: Results) -> Counter[tuple[str | None, ...]]:
    return Counter(tuple(None if t is None else t.value for t in row) for row in results.rows)


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in named_questions()])
def test_named_question_same_answer_on_each_server(
    server: Server, local: KnowledgeGraph, name: str, request: pytest.FixtureRequest
) -> None:
    # The embedded engine is the yardstick here; that it gives the rows of the question's
    # .expected.json is tests/test_questions.py's to check, so together the three agree.
    if server.name == "virtuoso" and name in VIRTUOSO_PATH_BUGS:
        request.applymarker(
            pytest.mark.xfail(reason=f"Virtuoso 7.2.5: {VIRTUOSO_PATH_BUGS[name]}", strict=True)
        )
    embedded = local.ask(name)
    answer = remote_kg(server).ask(name)
    assert answer.variables == embedded.variables
    assert cells(answer) == cells(embedded)


def test_each_server_gets_the_shape_of_query_its_planner_answers_right_and_fast(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Virtuoso 7.2 loses FILTER EXISTS rows in some queries: it keeps the join with the
    # manifest. The Oxigraph server plans the EXISTS shape from the query's own patterns.
    client = remote_client(server)
    sent: list[str] = []
    ask = client.raw_query
    monkeypatch.setattr(client, "raw_query", lambda text: (sent.append(text), ask(text))[1])
    kg = KnowledgeGraph(RemoteEngine(client))
    assert len(kg.ask("path")) > 0
    test = f"GRAPH <{MANIFEST_GRAPH}> {{ <{UNION_GRAPH}> <http://rdfs.org/ns/void#subset> ?g1 }}"
    product = {"virtuoso": "Virtuoso/", "oxigraph-server": "Oxigraph/"}[server.name]
    assert client.server.startswith(product)
    question = next(text for text in sent if "?g1" in text)  # not the labels looked up after
    assert test in question
    assert (f"FILTER EXISTS {{ {test} }}" in question) == (server.name == "oxigraph-server")


def test_default_graph_is_the_union_as_a_set(server: Server, local: KnowledgeGraph) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?c octo:hostedBy kg:council-of-europe }"
    assert remote_kg(server).query(q).to_dicts() == local.query(q).to_dicts() == [{"n": 1}]


def test_a_parameter_is_seen_by_the_binds_and_filters_of_the_query(
    server: Server, local: KnowledgeGraph
) -> None:
    # As the diff questions use them: a BIND and a FILTER on parameters, in the WHERE group.
    q = """SELECT ?x ?label WHERE {
        BIND (IF(BOUND(?a), ?a, ?b) AS ?x)
        FILTER (!sameTerm(?a, ?b))
        ?x rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en")) }"""
    params = {"a": "kg:budapest-convention", "b": "kg:council-of-europe"}
    expected = [{"x": f"{ID}budapest-convention", "label": "Budapest Convention"}]
    assert local.query(q, **params).to_dicts() == expected
    assert remote_kg(server).query(q, **params).to_dicts() == expected


def test_graph_var_sees_the_pushed_graphs_only(server: Server, local: KnowledgeGraph) -> None:
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    got = [r["g"] for r in remote_kg(server).query(q)]
    assert got == [r["g"] for r in local.query(q)]
    assert UNION_GRAPH not in got
    assert "https://example.org/theirs" not in got


def test_push_left_other_graphs_alone(server: Server) -> None:
    remote = SparqlStore(server.url, options(server))
    raw = remote.raw_query("ASK { GRAPH <https://example.org/theirs> { ?s ?p ?o } }")
    assert raw is True


def test_parameters_terms_and_ask(server: Server, local: KnowledgeGraph) -> None:
    kg = remote_kg(server)
    q = "SELECT ?r WHERE { ?r octo:addresses ?threat } ORDER BY ?r"
    assert (
        kg.query(q, threat="interference with elections").rows
        == local.query(q, threat="interference with elections").rows
    )
    typed = """SELECT ?v ?b WHERE {
        kg:budapest-convention octo:partyCount/schema:value ?v ; octo:legallyBinding ?b }"""
    assert kg.query(typed).to_dicts() == [{"v": 64, "b": True}]
    assert kg.query("ASK { kg:budapest-convention a octo:Treaty }").boolean is True
    assert kg.query("ASK { kg:budapest-convention a octo:Value }").boolean is False
    construct = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a octo:Treaty ; rdfs:label ?l }"
    assert set(map(str, kg.query(construct).triples)) == set(
        map(str, local.query(construct).triples)
    )


def test_commands_work_on_the_server_through_queries(server: Server, local: KnowledgeGraph) -> None:
    kg = remote_kg(server)
    assert kg.stats() == local.stats()
    assert kg.to_networkx().number_of_edges() == local.to_networkx().number_of_edges()
    assert kg.export("nquads") == local.export("nquads")  # an export is the download asked for


def test_reading_commands_ask_the_server_and_never_download_the_graph(
    server: Server, local: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    kg = remote_kg(server)
    assert isinstance(kg.engine, RemoteEngine)

    def download() -> None:
        pytest.fail("a reading command downloaded every pushed graph")

    monkeypatch.setattr(kg.engine.client, "snapshot", download)
    assert kg.stats() == local.stats()
    assert sorted(kg.to_networkx().edges(keys=True)) == sorted(local.to_networkx().edges(keys=True))
    hits = PassageIndex.build(kg).search("WHOIS")
    assert [h.number for h in hits] == [h.number for h in PassageIndex.build(local).search("WHOIS")]
    assert len(kg.ask("key-messages")) == 9


def test_validate_on_a_server_refuses_the_full_download_in_one_line(server: Server) -> None:
    with pytest.raises(StoreError, match="validate reads every statement"):
        remote_kg(server).validate()


def test_cli_query_and_push_with_credentials_from_the_environment(
    server: Server, tmp_path: Path
) -> None:
    env = {"OCTOGRAPH_STORE": f"sparql:{server.url}"}
    if server.name == "virtuoso":
        env |= {
            "OCTOGRAPH_SPARQL_USER": VIRTUOSO_USER,
            "OCTOGRAPH_SPARQL_PASSWORD": VIRTUOSO_PASSWORD,
        }
    r = cli("push", **env)
    assert r.returncode == 0, r.stderr
    assert "verified" in r.stdout
    r = cli("query", "key-messages", "--format", "csv", **env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\n") == 10


# Only Virtuoso: the Oxigraph server has no accounts to refuse.
@pytest.mark.parametrize("server", ["virtuoso"], indirect=True)
def test_refused_login_changes_nothing(server: Server) -> None:
    before = SparqlStore(server.url).manifest()
    url = server.url.replace("http://", f"http://{VIRTUOSO_USER}:wrong-secret@")
    r = cli("push", "--store", f"sparql:{url}")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1
    assert "login refused" in r.stderr
    assert "no graph was changed" in r.stderr
    assert "wrong-secret" not in r.stderr + r.stdout
    assert SparqlStore(server.url).manifest() == before


def test_a_query_the_server_refuses_is_one_line(server: Server) -> None:
    with pytest.raises(StoreError, match="the server answered HTTP"):
        remote_client(server).raw_query("SELECT * WHERE { ?s ?p }")


# ---------------------------------------------------------------- bad input, no real server


class _Stub(http.server.BaseHTTPRequestHandler):
    status = 500
    headers_out: ClassVar[dict[str, str]] = {}
    body = b"Internal trouble\nmore lines"

    def _answer(self) -> None:
        self.send_response(self.status)
        for k, v in self.headers_out.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = do_PUT = _answer  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[type[_Stub]]:
    handler = type("Handler", (_Stub,), {})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{httpd.server_address[1]}/sparql"  # type: ignore[attr-defined]
    yield handler
    httpd.shutdown()
    httpd.server_close()


def test_unreachable_server_is_one_line_exit_2() -> None:
    with socket_port() as port:
        r = cli("--store", f"sparql:http://someone:secret@127.0.0.1:{port}/sparql", "stats")
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: sparql:http://127.0.0.1:{port}/sparql: cannot reach")
    assert r.stderr.count("\n") == 1
    assert "secret" not in r.stderr


def test_server_error_is_one_line_exit_2(stub: type[_Stub]) -> None:
    r = cli("--store", f"sparql:{stub.url}", "query", "key-messages")  # type: ignore[attr-defined]
    assert r.returncode == 2
    assert "the server answered HTTP 500 to a query: Internal trouble" in r.stderr
    assert r.stderr.count("\n") == 1


def test_basic_login_refused_is_one_line(stub: type[_Stub]) -> None:
    stub.status = 401
    stub.headers_out = {"WWW-Authenticate": 'Basic realm="x"'}
    r = cli(
        "--store",
        f"sparql:{stub.url}",  # type: ignore[attr-defined]
        "stats",
        OCTOGRAPH_SPARQL_USER="me",
        OCTOGRAPH_SPARQL_PASSWORD="not-this",
    )
    assert r.returncode == 2
    assert "login refused (HTTP 401)" in r.stderr
    assert "not-this" not in r.stderr


class _FailingStore(SparqlStore):
    """A server that accepts the check and the first batch, then fails."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9/sparql")
        self.calls = 0

    def update(self, text: str, what: str = "update") -> None:
        self.calls += 1
        if self.calls > 2:
            raise StoreError("the server answered HTTP 503 to an update: busy", path=self.location)

    def graph_store(self, method: str, graph: str, data: bytes = b"", what: str = "") -> None:
        pass


def test_a_failed_push_says_which_graphs_it_changed(local: KnowledgeGraph) -> None:
    with pytest.raises(StoreError) as e:
        push(local, _FailingStore(), batch=100)
    message = str(e.value)
    assert "push stopped: the server answered HTTP 503" in message
    assert "graphs were replaced (<https://w3id.org/octograph/" in message
    assert "may be partly written; the manifest still describes the previous push" in message
    assert "\n" not in message


def test_a_server_without_octograph_data_says_so(stub: type[_Stub]) -> None:
    stub.status = 200
    stub.headers_out = {"Content-Type": "application/sparql-results+json"}
    stub.body = json.dumps({"head": {}, "boolean": False}).encode()
    with pytest.raises(StoreError, match="holds no octograph data: run octograph push"):
        load(store=f"sparql:{stub.url}")  # type: ignore[attr-defined]


class socket_port:  # noqa: N801 - used as a context manager, like open()
    """A port on 127.0.0.1 that nothing listens on while the block runs."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        port: int = self.sock.getsockname()[1]
        return port

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def test_manifest_names_the_union_graph(server: Server) -> None:
    remote = SparqlStore(server.url, options(server))
    manifest = remote.manifest()
    assert UNION_GRAPH in manifest
    assert f"{KG}octopus-2019/passage/12" in manifest
    assert MANIFEST_GRAPH not in manifest
