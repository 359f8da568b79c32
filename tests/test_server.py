"""octograph serve: the SPARQL 1.1 Protocol, its limits and refusals, and the pages, over HTTP.

Every test talks to a real uvicorn server on 127.0.0.1 (a thread of this process) whose
queries run in forked worker processes, as in production.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import httpx
import psutil
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netguard import Listener, connects_to
from starlette.applications import Starlette

from octograph import KnowledgeGraph, OctographError, QueryError, load
from octograph.graph.load import bundled_data
from octograph.search import PassageIndex
from octograph.server.answers import Dataset, ServerData, answer
from octograph.server.app import background, create_app
from octograph.server.pool import BusyError, QueryTimeoutError, WorkerPool
from octograph.sparql.questions import named_questions

RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORM = "application/x-www-form-urlencoded"
MESSAGES = "SELECT ?m ?n WHERE { ?m octo:messageNumber ?n } ORDER BY ?n"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 2.0
MAX_ROWS = 500
MAX_BODY = 20_000


@pytest.fixture(scope="module")
def app(kg: KnowledgeGraph) -> Starlette:
    return create_app(kg, timeout=TIMEOUT, max_rows=MAX_ROWS, max_body=MAX_BODY, workers=2)


@pytest.fixture(scope="module")
def url(app: Starlette) -> Iterator[str]:
    with background(app) as base:
        yield base


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as c:
        yield c


def sparql(client: httpx.Client, query: str, accept: str | None = None, **params: str) -> Any:
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query, **params}, headers=headers)


def bindings(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return rows


# ---------------------------------------------------------------- the protocol's three ways


def test_get_post_form_and_post_direct_give_the_same_answer(client: httpx.Client) -> None:
    by_get = bindings(sparql(client, MESSAGES))
    by_form = bindings(
        client.post("/sparql", data={"query": MESSAGES}, headers={"Accept": RESULTS_JSON})
    )
    by_body = bindings(
        client.post(
            "/sparql",
            content=MESSAGES.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": RESULTS_JSON},
        )
    )
    assert len(by_get) == 9
    assert by_get == by_form == by_body
    assert [int(r["n"]["value"]) for r in by_get] == list(range(1, 10))


def test_dataset_parameters_choose_among_the_stored_graphs(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    passage = "https://w3id.org/octograph/id/octopus-2019/passage/10"
    query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY ?s"
    only = {
        r["s"]["value"] for r in bindings(sparql(client, query, **{"default-graph-uri": passage}))
    }
    assert only == {
        s.value for s, _, _, _ in (q for q in kg.quads() if q.graph_name == ox.NamedNode(passage))
    }
    named = sparql(
        client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": passage}
    )
    assert [r["g"]["value"] for r in bindings(named)] == [passage]
    # A graph that is not stored is an empty graph, never something to fetch.
    empty = sparql(client, "ASK { ?s ?p ?o }", **{"default-graph-uri": "http://example.org/none"})
    assert empty.json()["boolean"] is False


# ---------------------------------------------------------------- content negotiation


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        pytest.param(None, RESULTS_JSON, id="no-accept"),
        pytest.param("*/*", RESULTS_JSON, id="any"),
        pytest.param(RESULTS_JSON, RESULTS_JSON, id="json"),
        pytest.param("application/json", "application/json", id="plain-json"),
        pytest.param(RESULTS_XML, RESULTS_XML, id="xml"),
        pytest.param("text/csv", "text/csv", id="csv"),
        pytest.param("text/tab-separated-values", "text/tab-separated-values", id="tsv"),
        pytest.param("text/csv;q=0.5, application/sparql-results+xml", RESULTS_XML, id="q-values"),
    ],
)
def test_select_answers_in_the_negotiated_format(
    client: httpx.Client, accept: str | None, media: str
) -> None:
    r = sparql(client, MESSAGES, accept)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert "Accept" in r.headers["vary"]
    if "json" in media:
        assert len(r.json()["results"]["bindings"]) == 9
    elif "xml" in media:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        assert len(ET.fromstring(r.content).findall(f"{ns}results/{ns}result")) == 9
    elif media == "text/csv":
        assert next(csv.reader(io.StringIO(r.text))) == ["m", "n"]
        assert len(r.text.splitlines()) == 10
    else:
        assert r.text.splitlines()[0] == "?m\t?n"
        assert len(r.text.splitlines()) == 10


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        (None, ox.RdfFormat.TURTLE),
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_answers_in_the_negotiated_rdf_format(
    client: httpx.Client, accept: str | None, fmt: ox.RdfFormat
) -> None:
    query = "CONSTRUCT { ?m octo:messageNumber ?n } WHERE { ?m octo:messageNumber ?n }"
    r = sparql(client, query, accept)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == fmt.media_type
    assert len(list(ox.parse(r.content, format=fmt))) == 9


def test_ask_answers_in_json_and_xml(client: httpx.Client) -> None:
    assert sparql(client, "ASK { kg:budapest-convention a octo:Treaty }").json() == {
        "head": {},
        "boolean": True,
    }
    xml = sparql(client, "ASK { kg:budapest-convention a octo:Remedy }", RESULTS_XML)
    assert "<boolean>false</boolean>" in xml.text


def test_format_parameter_overrides_accept(client: httpx.Client) -> None:
    r = sparql(client, MESSAGES, RESULTS_JSON, format="tsv")
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    r = sparql(client, "CONSTRUCT WHERE { kg:budapest-convention a ?c }", format="nt")
    assert r.headers["content-type"].startswith("application/n-triples")


def test_an_unacceptable_type_is_406(client: httpx.Client) -> None:
    r = sparql(client, MESSAGES, "image/png")
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text
    r = sparql(client, "CONSTRUCT WHERE { ?s a octo:Treaty }", RESULTS_JSON)
    assert r.status_code == 406


def test_a_browser_is_sent_to_the_query_page(client: httpx.Client) -> None:
    r = sparql(client, MESSAGES, BROWSER)
    assert r.status_code == 303
    target = httpx.URL(r.headers["location"])
    assert target.path == "/query"
    assert target.params["query"] == MESSAGES
    page = client.get(str(target), headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert "Budapest Convention is likely to remain the most relevant agreement" in page.text
    assert client.get("/sparql", headers={"Accept": BROWSER}).headers["location"] == "/query"


def test_service_description_when_no_query(client: httpx.Client, kg: KnowledgeGraph) -> None:
    for accept in (None, "text/turtle", "application/n-triples"):
        r = client.get("/sparql", headers={"Accept": accept} if accept else {})
        assert r.status_code == 200
        fmt = ox.RdfFormat.from_media_type(r.headers["content-type"].split(";")[0])
        assert fmt is not None
        store = ox.Store()
        store.load(r.content, format=fmt)
        sd = "http://www.w3.org/ns/sparql-service-description#"
        found = store.query(
            f"SELECT ?e WHERE {{ ?s a <{sd}Service> ; <{sd}endpoint> ?e ;"
            f" <{sd}supportedLanguage> <{sd}SPARQL11Query> }}"
        )
        assert [s["e"].value for s in found] == [f"{r.url.scheme}://{r.url.netloc.decode()}/sparql"]
        names = store.query(f"SELECT ?g WHERE {{ ?n <{sd}name> ?g }}")
        assert sorted(s["g"].value for s in names) == kg.graph_names()


def test_a_repeated_request_is_answered_from_the_cache(
    client: httpx.Client, app: Starlette
) -> None:
    answers = app.state.server.answers
    query = "SELECT ?t WHERE { ?t a octo:Threat } ORDER BY ?t # cache test"
    first = sparql(client, query)
    held = len(answers)
    second = sparql(client, query)
    assert first.content == second.content
    assert len(answers) == held  # no second entry: the same key
    assert sparql(client, query, RESULTS_XML).status_code == 200
    assert len(answers) == held + 1  # another format is another answer


def test_without_cache_every_request_runs(kg: KnowledgeGraph) -> None:
    app = create_app(kg, workers=1, cache_bytes=0)
    with background(app) as base:
        for _ in range(3):
            r = httpx.get(f"{base}/sparql", params={"query": MESSAGES}, timeout=30)
            assert len(bindings(r)) == 9
        assert len(app.state.server.answers) == 0


# ---------------------------------------------------------------- bad requests


def test_malformed_query_is_400_with_line_and_column(client: httpx.Client) -> None:
    r = sparql(client, "SELECT ?s WHERE {\n  ?s ?p \n}")
    assert r.status_code == 400
    assert re.match(r"query line \d+, column \d+: ", r.text), r.text
    assert "Traceback" not in r.text


@pytest.mark.parametrize(
    ("method", "headers", "body", "status"),
    [
        pytest.param("PUT", {"Content-Type": FORM}, b"query=ASK%20%7B%7D", 405, id="put"),
        pytest.param("DELETE", {}, b"", 405, id="delete"),
        pytest.param("POST", {}, b"query=ASK%20%7B%7D", 415, id="no-content-type"),
        pytest.param("POST", {"Content-Type": "text/plain"}, b"ASK {}", 415, id="text-plain"),
        pytest.param(
            "POST",
            {"Content-Type": "application/sparql-query; charset=UTF-16"},
            "ASK {}".encode("utf-16"),
            415,
            id="utf-16",
        ),
        pytest.param(
            "POST",
            {"Content-Type": "application/sparql-query"},
            b"ASK { ?s ?p '\xff' }",
            400,
            id="not-utf-8",
        ),
        pytest.param(
            "POST", {"Content-Type": FORM}, b"query=ASK+%7B%FF%7D", 400, id="form-not-utf-8"
        ),
        pytest.param("POST", {"Content-Type": FORM}, b"", 400, id="no-query"),
    ],
)
def test_protocol_mistakes_get_their_status(
    client: httpx.Client, method: str, headers: dict[str, str], body: bytes, status: int
) -> None:
    r = client.request(method, "/sparql", headers=headers, content=body)
    assert r.status_code == status, r.text
    assert "Traceback" not in r.text


def test_query_string_that_is_not_utf8_is_400(url: str) -> None:
    r = httpx.get(f"{url}/sparql?query=ASK%20%7B%FF%7D")
    assert r.status_code == 400


def test_two_queries_are_400(client: httpx.Client) -> None:
    r = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert r.status_code == 400
    r = client.post(
        "/sparql?query=ASK%20%7B%7D",
        content=b"ASK {}",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 400


def test_a_body_over_the_limit_is_413(client: httpx.Client) -> None:
    big = "ASK {} #" + "x" * MAX_BODY
    r = client.post(
        "/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 413
    assert str(MAX_BODY) in r.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        yield b"ASK {} #"
        for _ in range(MAX_BODY // 1000 + 1):
            yield b"x" * 1000

    r = client.post(
        "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 413
    small = client.post(
        "/sparql", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"}
    )
    assert small.status_code == 200


# ---------------------------------------------------------------- read-only


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
INSERT = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> <urn:x:o> } }"


def quad_count(client: httpx.Client) -> int:
    return int(bindings(sparql(client, COUNT))[0]["n"]["value"])


@pytest.mark.parametrize(
    "request_kwargs",
    [
        pytest.param({"method": "POST", "data": {"update": INSERT}}, id="form-update"),
        pytest.param(
            {
                "method": "POST",
                "content": INSERT.encode(),
                "headers": {"Content-Type": "application/sparql-update"},
            },
            id="direct-update",
        ),
        pytest.param({"method": "GET", "params": {"update": INSERT}}, id="get-update"),
        pytest.param({"method": "GET", "params": {"query": INSERT}}, id="update-as-query"),
        pytest.param({"method": "POST", "data": {"update": "CLEAR ALL"}}, id="clear-all"),
        pytest.param({"method": "POST", "data": {"update": "DROP ALL"}}, id="drop-all"),
        pytest.param(
            {"method": "POST", "data": {"query": "ASK {}", "using-graph-uri": "urn:x:g"}},
            id="using-graph",
        ),
    ],
)
def test_updates_are_refused_and_change_nothing(
    client: httpx.Client, request_kwargs: dict[str, Any]
) -> None:
    before = quad_count(client)
    kwargs = dict(request_kwargs)
    r = client.request(kwargs.pop("method"), "/sparql", **kwargs)
    assert r.status_code == 403, r.text
    assert "read-only" in r.text
    assert quad_count(client) == before > 0
    assert sparql(client, "ASK { GRAPH ?g { <urn:x:s> ?p ?o } }").json()["boolean"] is False


# ---------------------------------------------------------------- no connection, ever


SERVICE_SPELLINGS = [
    pytest.param("SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }", id="plain"),
    pytest.param("select * where { service silent <{url}> { ?s ?p ?o } }", id="lowercase-silent"),
    pytest.param("SELECT * WHERE { SeRvIcE <{url}> { ?s ?p ?o } }", id="mixed-case"),
    pytest.param("SELECT * WHERE {#c\nSERVICE#c\n<{url}>#c\n{ ?s ?p ?o } }", id="comments-between"),
    pytest.param("SELECT*WHERE{SERVICE<{url}>{?s ?p ?o}}", id="no-spaces"),
    pytest.param(
        "SELECT * WHERE { BIND('a\\'' AS ?x) SERVICE <{url}> { ?s ?p ?o } BIND('b' AS ?y) }",
        id="escaped-single-quote",
    ),
    pytest.param(
        'SELECT * WHERE { BIND("a\\"" AS ?x) SERVICE <{url}> { ?s ?p ?o } BIND("b" AS ?y) }',
        id="escaped-double-quote",
    ),
    pytest.param(
        "PREFIX e: <http://e/> SELECT * WHERE { ?s e:a\\' ?o . SERVICE <{url}> { ?s ?p ?o } "
        "?s ?p 'c' }",
        id="escaped-quote-in-prefixed-name",
    ),
    pytest.param(
        "SELECT * WHERE { BIND('''a''' AS ?x) SERVICE <{url}> { ?s ?p ?o } }", id="long-string"
    ),
    pytest.param(
        "PREFIX r: <{base}> SELECT * WHERE { SERVICE r:x { ?s ?p ?o } }", id="prefixed-iri"
    ),
    pytest.param(
        "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE ?e { ?s ?p ?o } }", id="variable-endpoint"
    ),
]
NO_FETCH = [
    pytest.param("SELECT * FROM <{url}> WHERE { ?s ?p ?o }", id="from"),
    pytest.param("SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }", id="from-named"),
    pytest.param("ASK FROM <{url}> FROM NAMED <{url}> { ?s ?p ?o }", id="ask-from"),
    pytest.param("CONSTRUCT { ?s ?p ?o } FROM <{url}> WHERE { ?s ?p ?o }", id="construct-from"),
    pytest.param("DESCRIBE <{url}>", id="describe"),
]


def fill(template: str, listener: Listener) -> str:
    base = f"http://127.0.0.1:{listener.port}/"
    return template.replace("{url}", base + "sparql").replace("{base}", base)


@pytest.mark.parametrize("template", SERVICE_SPELLINGS)
def test_service_is_refused_in_every_spelling(
    client: httpx.Client, listener: Listener, template: str
) -> None:
    r = sparql(client, fill(template, listener))
    assert r.status_code == 400, r.text
    assert "SERVICE is disabled" in r.text
    time.sleep(0.05)
    assert listener.accepted == 0
    assert connects_to(listener.port) == []


@pytest.mark.parametrize("template", NO_FETCH)
def test_from_and_describe_only_select_stored_graphs(
    client: httpx.Client, listener: Listener, template: str
) -> None:
    r = sparql(client, fill(template, listener))
    assert r.status_code == 200, r.text
    for params in (
        {"default-graph-uri": fill("{url}", listener)},
        {"named-graph-uri": fill("{url}", listener)},
    ):
        assert sparql(client, "ASK { ?s ?p ?o }", **params).status_code == 200
    time.sleep(0.05)
    assert listener.accepted == 0
    assert connects_to(listener.port) == []


@pytest.fixture(scope="module")
def data(kg: KnowledgeGraph) -> ServerData:
    return ServerData(kg, named_questions())


async def _answer(pool: WorkerPool, query: str) -> Any:
    await pool.start()
    try:
        return await pool.run(
            "answer", query, Dataset(), None, "json", "turtle", 100, timeout=TIMEOUT
        )
    finally:
        await pool.close()


@pytest.mark.parametrize("template", SERVICE_SPELLINGS[:3])
def test_a_worker_cannot_connect_even_if_service_got_past_the_check(
    data: ServerData, listener: Listener, template: str
) -> None:
    import asyncio

    query = fill(template, listener)
    confined = WorkerPool(data, {"answer": answer}, size=1)
    try:
        asyncio.run(_answer(confined, query))
    except QueryError as e:
        assert "open files" in str(e)  # noqa: PT017 - the message says why
    # else SERVICE SILENT: the failure was silenced, and still no connection was made
    time.sleep(0.05)
    assert listener.accepted == 0
    # Positive control: the same worker, unconfined, does connect; the listener sees it.
    unconfined = WorkerPool(data, {"answer": answer}, size=1, confine=False)
    with contextlib.suppress(QueryError):
        asyncio.run(_answer(unconfined, query))
    time.sleep(0.05)
    assert listener.accepted >= 1


# ---------------------------------------------------------------- time limit


def worker_pids(app: Starlette) -> set[int]:
    return set(app.state.server.pool.pids())


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_runaway_query_is_stopped_at_the_limit_while_others_are_served(
    client: httpx.Client, app: Starlette
) -> None:
    before = worker_pids(app)
    with ThreadPoolExecutor(1) as pool:
        start = time.monotonic()
        runaway = pool.submit(sparql, client, RUNAWAY)
        time.sleep(0.3)
        quick_start = time.monotonic()
        quick = sparql(client, MESSAGES)
        quick_seconds = time.monotonic() - quick_start
        stopped = runaway.result()
        elapsed = time.monotonic() - start
    assert quick.status_code == 200
    assert quick_seconds < 1.0
    assert stopped.status_code == 504
    assert "stopped after 2 s" in stopped.text
    assert TIMEOUT <= elapsed < TIMEOUT + 1.5
    # The worker that ran it is gone (killed, not abandoned) and a fresh one took its place.
    time.sleep(0.3)
    after = worker_pids(app)
    assert len(after) == len(before) == 2
    gone = before - after
    assert len(gone) == 1
    assert not any(alive(p) for p in gone)
    # Nothing burns CPU after the answer.
    procs = [psutil.Process(p) for p in after]
    cpu = sum(sum(p.cpu_times()[:2]) for p in procs)
    time.sleep(0.5)
    assert sum(sum(p.cpu_times()[:2]) for p in procs) - cpu < 0.2
    assert sparql(client, MESSAGES).status_code == 200


def _sleep(state: object, seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_pool_reports_busy_and_timeout(data: ServerData) -> None:
    import asyncio

    async def scenario() -> tuple[BaseException | float, ...]:
        pool = WorkerPool(data, {"sleep": _sleep}, size=1)
        await pool.start()
        try:
            slow = asyncio.create_task(pool.run("sleep", 30.0, timeout=0.5))
            await asyncio.sleep(0.05)
            busy = asyncio.create_task(pool.run("sleep", 0.0, timeout=0.2))
            results = await asyncio.gather(slow, busy, return_exceptions=True)
            fine = await pool.run("sleep", 0.01, timeout=2)
            return (*results, fine)
        finally:
            await pool.close()

    slow, busy, fine = asyncio.run(scenario())
    assert isinstance(slow, QueryTimeoutError)
    assert isinstance(busy, BusyError)
    assert fine == 0.01


def test_waiting_tasks_go_shortest_expected_first(data: ServerData) -> None:
    import asyncio

    async def scenario() -> list[str]:
        pool = WorkerPool(data, {"sleep": _sleep}, size=1)
        await pool.start()
        done: list[str] = []

        async def job(name: str, seconds: float) -> None:
            await pool.run("sleep", seconds, timeout=5)
            done.append(name)

        try:
            await pool.run("sleep", 0.3, timeout=5)  # now the pool knows this one is slow
            busy = asyncio.create_task(job("busy", 0.2))
            await asyncio.sleep(0.05)
            slow = asyncio.create_task(job("slow", 0.3))  # waits first...
            await asyncio.sleep(0.01)
            quick = asyncio.create_task(job("quick", 0.0))  # ...but goes first
            await asyncio.gather(busy, slow, quick)
            return done
        finally:
            await pool.close()

    assert asyncio.run(scenario()) == ["busy", "quick", "slow"]


def test_a_long_task_is_moved_aside_and_its_place_taken(data: ServerData) -> None:
    import asyncio

    async def scenario() -> tuple[float, float, int, int]:
        pool = WorkerPool(data, {"sleep": _sleep}, size=1, long_after=0.3)
        await pool.start()
        try:
            first = pool.pids()[0]
            long = asyncio.create_task(pool.run("sleep", 1.5, timeout=5))
            await asyncio.sleep(0.5)
            niceness = os.getpriority(os.PRIO_PROCESS, first)
            start = time.monotonic()
            await pool.run("sleep", 0.0, timeout=5)  # the fresh worker answers at once
            quick = time.monotonic() - start
            await long
            await asyncio.sleep(0.2)
            return quick, await pool.run("sleep", 0.01, timeout=2), niceness, len(pool.pids())
        finally:
            await pool.close()

    quick, fine, niceness, workers = asyncio.run(scenario())
    assert quick < 0.5
    assert fine == 0.01
    assert niceness == 19
    assert workers == 1  # the reniced worker ended with its task


# ---------------------------------------------------------------- row limit


def test_rows_beyond_the_limit_are_cut_and_the_answer_says_so(client: httpx.Client) -> None:
    for accept in (RESULTS_JSON, RESULTS_XML, "text/csv", "text/tab-separated-values"):
        start = time.monotonic()
        r = sparql(client, CROSS, accept)
        assert time.monotonic() - start < TIMEOUT
        assert r.status_code == 200, r.text
        assert r.headers["octograph-truncated"] == f"max-rows={MAX_ROWS}"
        if accept == RESULTS_JSON:
            rows = r.json()["results"]["bindings"]
            assert len(rows) == MAX_ROWS
            assert set(rows[0]) == set("abcdefghi")
        elif accept == RESULTS_XML:
            assert r.text.count("<result>") == MAX_ROWS
        elif accept == "text/csv":  # values may hold line breaks: count records
            assert len(list(csv.reader(io.StringIO(r.text)))) == MAX_ROWS + 1
        else:  # TSV escapes line breaks: one line, one row
            assert len(r.text.splitlines()) == MAX_ROWS + 1
    exact = sparql(client, f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    assert len(bindings(exact)) == MAX_ROWS
    assert "octograph-truncated" not in exact.headers
    graph = sparql(client, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert graph.headers["octograph-truncated"] == f"max-rows={MAX_ROWS}"
    assert len(graph.text.splitlines()) == MAX_ROWS


def test_braces_in_values_do_not_cut_an_answer_that_fits(client: httpx.Client) -> None:
    # 400 rows whose values are full of the bytes the JSON row counter looks at.
    query = (
        "SELECT ?x ?v WHERE { VALUES ?x { 1 2 3 4 5 6 7 8 9 10 } VALUES ?y { 1 2 3 4 5 6 7 8 9 10 "
        "11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 "
        '40 } BIND("{{{{{{}},{\\"type\\":\\"" AS ?v) }'
    )
    r = sparql(client, query)
    assert len(bindings(r)) == 400
    assert "octograph-truncated" not in r.headers


# ---------------------------------------------------------------- CORS and binding


def test_cors_headers_only_with_cors(kg: KnowledgeGraph, client: httpx.Client) -> None:
    origin = {"Origin": "https://analyst.example"}
    plain = client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert "access-control-allow-origin" not in plain.headers
    app = create_app(kg, cors="https://analyst.example", workers=1)
    with background(app) as base:
        r = httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, headers=origin)
        assert r.headers["access-control-allow-origin"] == "https://analyst.example"
        assert "Octograph-Truncated" in r.headers["access-control-expose-headers"]
        preflight = httpx.options(
            f"{base}/sparql",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        other = httpx.get(
            f"{base}/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers


def test_serve_binds_loopback_by_default() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCTOGRAPH_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "octograph", "serve", "--port", "0", "--workers", "1"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"http://([\d.]+):(\d+)/", line)
        assert match, line
        assert match[1] == "127.0.0.1"
        listening = [
            c
            for c in psutil.Process(process.pid).net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN
        ]
        deadline = time.monotonic() + 10
        while not listening and time.monotonic() < deadline:
            time.sleep(0.05)
            listening = [
                c
                for c in psutil.Process(process.pid).net_connections(kind="tcp")
                if c.status == psutil.CONN_LISTEN
            ]
        assert [c.laddr.ip for c in listening] == ["127.0.0.1"]
        r = httpx.get(f"http://127.0.0.1:{match[2]}/sparql", params={"query": "ASK {}"}, timeout=30)
        assert r.json()["boolean"] is True
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode in {0, 130}  # 130: stopped by Ctrl-C, as a shell reports it


def test_behind_a_proxy_under_a_path_links_carry_it(kg: KnowledgeGraph) -> None:
    with background(create_app(kg, workers=1), root_path="/octograph") as base:
        page = httpx.get(f"{base}/id/budapest-convention", headers={"Accept": BROWSER})
        assert 'href="/octograph/id/octopus-2019/passage/' in page.text
        assert 'href="/octograph/octograph.css"' in page.text
        redirect = httpx.get(
            f"{base}/sparql", params={"query": "ASK {}"}, headers={"Accept": BROWSER}
        )
        assert redirect.headers["location"].startswith("/octograph/query?")
        found = httpx.get(f"{base}/search", params={"q": "WHOIS"}, headers={"Accept": BROWSER})
        assert 'href="/octograph/id/octopus-2019/passage/36"' in found.text
        assert 'action="/octograph/search"' in found.text


# ---------------------------------------------------------------- entities


def test_entities_dereference_as_html_for_browsers_and_turtle_for_tools(
    client: httpx.Client,
) -> None:
    page = client.get("/id/budapest-convention", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Budapest Convention</h1>" in page.text
    assert "Cybercrime Convention Committee" in page.text  # a link, with its passage
    assert 'href="/id/octopus-2019/passage/' in page.text
    turtle = client.get("/id/budapest-convention", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    iri = "https://w3id.org/octograph/id/budapest-convention"
    assert triples
    assert all(iri in (t.subject.value, getattr(t.object, "value", None)) for t in triples)
    trig = client.get("/id/budapest-convention", params={"format": "trig"})
    graphs = {
        q.graph_name.value
        for q in ox.parse(trig.content, format=ox.RdfFormat.TRIG)
        if isinstance(q.graph_name, ox.NamedNode)
    }
    assert any("/passage/" in g for g in graphs)
    default = client.get("/id/budapest-convention")
    assert default.headers["content-type"].startswith("text/turtle")


def test_unknown_entity_is_404(client: httpx.Client) -> None:
    assert client.get("/id/no-such-thing", headers={"Accept": BROWSER}).status_code == 404
    assert client.get("/id/no-such-thing", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/no/such/page").status_code == 404


def test_passage_page_shows_its_words_and_statements(client: httpx.Client) -> None:
    page = client.get("/id/octopus-2019/passage/10", headers={"Accept": BROWSER}).text
    assert "What this passage states" in page
    assert "64" in page


# ---------------------------------------------------------------- pages


def test_overview_page(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.text.count('<li><h3><a href="/id/octopus-2019/message/') == 9
    for text in ("Octopus Conference 2019", "Strasbourg", "some 470 cybercrime experts", "Counts"):
        assert text in page.text
    assert '<form method="get" action="/search" role="search"' in page.text
    assert '<a href="/search">Search</a>' in page.text
    assert not re.search(r"""(src|href)=["']https?:""", page.text)


def test_query_page_lists_every_named_question(client: httpx.Client) -> None:
    page = client.get("/query").text
    for question in named_questions().values():
        # One report is loaded: the questions comparing two are not offered.
        listed = f"/query?name={question.name}" in page
        assert listed == (question.topic != "Comparing reports"), question.name


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in named_questions()])
def test_every_named_question_runs_on_its_page(client: httpx.Client, name: str) -> None:
    page = client.get("/query", params={"name": name})
    assert page.status_code == 200, page.text
    assert 'class="summary"' in page.text or 'class="answer"' in page.text
    download = client.get("/query", params={"name": name, "format": "csv"})
    assert download.status_code == 200
    assert download.headers["content-disposition"] == f'attachment; filename="{name}.csv"'


def test_query_page_keeps_the_query_in_the_url_and_offers_every_format(
    client: httpx.Client,
) -> None:
    page = client.get("/query", params={"query": MESSAGES}).text
    assert "9 rows" in page
    for fmt in ("json", "xml", "csv", "tsv"):
        assert f"format={fmt}" in page
    for fmt, media in (
        ("json", RESULTS_JSON),
        ("xml", RESULTS_XML),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ):
        r = client.get("/query", params={"query": MESSAGES, "format": fmt})
        assert r.headers["content-type"].split(";")[0] == media
    bad = client.get("/query", params={"query": "SELECT * {"})
    assert bad.status_code == 400
    assert "query line 1, column" in bad.text


def test_graph_page_is_self_contained(client: httpx.Client) -> None:
    page = client.get("/graph")
    assert page.status_code == 200
    assert "vis-network" in page.text or "vis.Network" in page.text
    assert not re.search(r"""(src|href)=["']https?:""", page.text)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the report plus a threat whose label is markup."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.trig").write_text(
        """
@prefix octo: <https://w3id.org/octograph/ontology#> .
@prefix kg: <https://w3id.org/octograph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/octograph/id/graph/entities> {
  kg:evil a octo:Threat ; rdfs:label "<script>alert(1)</script>"@en ;
    rdfs:comment "\\"><img src=x onerror=alert(2)>"@en . }
<https://w3id.org/octograph/id/octopus-2019/passage/10> {
    <https://w3id.org/octograph/id/octopus-2019/message/1> octo:identifiesThreat kg:evil . }
""",
        encoding="utf-8",
    )
    kg = load([bundled_data(), folder])
    with background(create_app(kg, workers=1)) as base:
        yield base


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/id/evil",
        "/id/octopus-2019/message/1",
        "/query?query=SELECT+%3Ft+%3Fl+WHERE+%7B+%3Ft+rdfs%3Alabel+%3Fl+%7D",
        "/query?query=%3Cscript%3E",
        "/search?q=%2264+Parties%22",
        "/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_pages_escape_labels(hostile: str, path: str) -> None:
    page = httpx.get(hostile + path, headers={"Accept": BROWSER}, timeout=30).text
    assert "<script>" not in page
    assert "<img" not in page
    if "evil" in path or path in {"/", "/search?q=%2264+Parties%22"}:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------- passage search


def test_search_page_shows_passages_highlighted_with_what_they_state(
    client: httpx.Client,
) -> None:
    page = client.get("/search", params={"q": "WHOIS"}, headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert 'value="WHOIS"' in page.text  # the box keeps the words
    assert "1 passage" in page.text
    assert 'href="/id/octopus-2019/passage/36"' in page.text
    assert "key message 7" in page.text
    assert 'href="/id/octopus-2019"' in page.text
    assert "lack of access to <mark>WHOIS</mark> data" in page.text
    assert '<a href="/id/lack-of-access-to-whois-data"' in page.text
    assert "/search?q=WHOIS&amp;format=json" in page.text
    empty = client.get("/search", headers={"Accept": BROWSER})
    assert empty.status_code == 200
    assert 'class="hits"' not in empty.text
    nothing = client.get("/search", params={"q": "xylophone"}, headers={"Accept": BROWSER})
    assert (nothing.status_code, "0 passages" in nothing.text) == (200, True)


def test_search_json_gives_what_the_command_line_prints(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    expected = [h.as_dict() for h in PassageIndex.build(kg).search("data protection")]
    by_format = client.get("/search", params={"q": "data protection", "format": "json"})
    by_accept = client.get(
        "/search", params={"q": "data protection"}, headers={"Accept": "application/json"}
    )
    for r in (by_format, by_accept):
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        assert r.headers["vary"] == "Accept"
        assert r.json() == expected
        assert "octograph-truncated" not in r.headers
    best = [h.as_dict() for h in PassageIndex.build(kg).search("data", limit=2)]
    cut = client.get("/search", params={"q": "data", "limit": "2", "format": "json"})
    assert cut.json() == best
    assert cut.headers["octograph-truncated"] == "limit=2"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": '"'}, "search needs at least one word"),
        ({"q": "*** ???"}, "search needs at least one word"),
        ({"q": "data " * 101}, "longer than 500 characters"),
        ({"q": " ".join(["a"] * 65)}, "at most 64 words and phrases"),
        ({"q": "data", "limit": "0"}, "limit must be a whole number from 1 to 100"),
        ({"q": "data", "limit": "101"}, "limit must be a whole number from 1 to 100"),
        ({"q": "data", "limit": "-1"}, "limit must be a whole number from 1 to 100"),
        ({"q": "data", "format": "xml"}, "unknown search format 'xml'"),
        ({"format": "json"}, "no search: give the words as the q parameter"),
        ({"q": ["a", "b"]}, "give one q parameter, not 2"),
    ],
)
def test_a_search_that_is_not_one_is_400(
    client: httpx.Client, params: dict[str, Any], message: str
) -> None:
    # As JSON (unless another format is asked for) the message is the body; on the page for
    # people it stands under the search box.
    plain = client.get("/search", params={"format": "json", **params})
    assert plain.status_code == 400
    assert message in plain.text
    page = client.get("/search", params=params, headers={"Accept": BROWSER})
    assert page.status_code == 400
    assert message in page.text


def test_search_refuses_an_unacceptable_type(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": "data"}, headers={"Accept": "image/png"})
    assert r.status_code == 406


@pytest.mark.parametrize(
    "text",
    [
        "NEAR(data protection)",
        "text:WHOIS",
        "iri:x OR 1",
        "^data",
        "data OR xylophone",
        "data NOT protection",
        '"unterminated phrase',
        "(data",
        "{text iri}: data",
        "'; DROP TABLE passage; --",
        "data\x00protection",
        "*",
        "a\u0000b",
    ],
)
def test_search_syntax_in_the_words_is_only_words(client: httpx.Client, text: str) -> None:
    r = client.get("/search", params={"q": text, "format": "json"})
    assert r.status_code in {200, 400}, r.text
    if r.status_code == 400:
        assert r.text == "search needs at least one word\n"
    # NOT, OR and NEAR are words here: every one must occur, so these find nothing.
    if text in {"data OR xylophone", "data NOT protection"}:
        assert r.json() == []
    again = client.get("/search", params={"q": "WHOIS", "format": "json"})
    assert [h["number"] for h in again.json()] == [36]


def test_html_in_a_search_stays_text(client: httpx.Client) -> None:
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    page = client.get("/search", params={"q": hostile}, headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert "<img" not in page.text
    assert "&lt;script&gt;" in page.text


def test_a_server_on_a_persistent_store_searches_the_index_beside_it(
    tmp_path: Path, kg: KnowledgeGraph
) -> None:
    folder = tmp_path / "kg"
    PassageIndex.for_graph(load(store=f"oxigraph:{folder}"))
    [index] = folder.glob("search-*.sqlite")
    built = index.stat().st_mtime_ns
    persistent = load(store=f"oxigraph:{folder}")

    def ask(base: str) -> Any:
        r = httpx.get(f"{base}/search", params={"q": "prosecut*", "format": "json"}, timeout=30)
        return r.json()

    # Both workers answer, each from its own copy of the index.
    with background(create_app(persistent, workers=2)) as base, ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(ask, [base] * 8))
    expected = [h.as_dict() for h in PassageIndex.build(kg).search("prosecut*")]
    assert all(a == expected for a in answers)
    assert [p.name for p in folder.glob("search-*.sqlite")] == [index.name]
    assert index.stat().st_mtime_ns == built  # reopened, not rebuilt


# ---------------------------------------------------------------- no 500 for a client mistake


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "HEAD", "OPTIONS", "PATCH"]),
    path=st.sampled_from(
        ["/sparql", "/query", "/id/budapest-convention", "/id/%ff", "/", "/search"]
    ),
    query=st.binary(max_size=200),
    content_type=st.sampled_from(
        [None, FORM, "application/sparql-query", "application/sparql-update", "text/plain",
         "application/sparql-query; charset=latin-1", "multipart/form-data; boundary=x", "%%"]
    ),
    accept=st.sampled_from([None, "*/*", "text/html", "image/png", ";;,", "text/csv;q=abc"]),
    body=st.binary(max_size=300),
)  # fmt: skip
def test_no_request_gets_a_500(
    url: str,
    method: str,
    path: str,
    query: bytes,
    content_type: str | None,
    accept: str | None,
    body: bytes,
) -> None:
    headers = {k: v for k, v in (("Content-Type", content_type), ("Accept", accept)) if v}
    target = path + "?" + quote_from_bytes(query, safe="=&%+")
    r = httpx.request(method, url + target, headers=headers, content=body, timeout=30)
    assert r.status_code < 500, (r.status_code, r.text)
    assert "Traceback" not in r.text


@pytest.mark.parametrize("limit", ["timeout", "max_rows", "max_body", "workers"])
@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf")])
def test_a_server_without_a_finite_limit_is_refused(
    kg: KnowledgeGraph, limit: str, value: float
) -> None:
    # A server whose time limit is infinite (or NaN) would never stop a runaway query.
    flag = "--" + limit.replace("_", "-")
    with pytest.raises(OctographError, match=f"^{flag} must be a positive finite number, not"):
        create_app(kg, **{limit: value})  # type: ignore[arg-type]
