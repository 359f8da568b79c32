"""The server under faults: security headers on every response, bounded caches and workers.

Every test talks to a real uvicorn server on 127.0.0.1 (a thread of this process) whose
queries run in forked worker processes, as in production.
"""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest
from starlette.applications import Starlette

from octograph import KnowledgeGraph
from octograph.server.app import background, create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ASK = "ASK { ?s ?p ?o }"
MAX_BODY = 20_000
SHAPES_MB = 4  # state.SHAPES_BYTES: the query-form cache, a fixed size


@pytest.fixture(scope="module")
def app(kg: KnowledgeGraph) -> Starlette:
    return create_app(kg, timeout=5.0, max_rows=100, max_body=MAX_BODY, workers=2)


@pytest.fixture(scope="module")
def client(app: Starlette) -> Iterator[httpx.Client]:
    with background(app) as base, httpx.Client(base_url=base, timeout=60) as c:
        yield c


# (method, path, params, Accept, body, the status expected): every route, and each status
# a route answers, for a browser and for a tool.
REQUESTS = [
    ("GET", "/", {}, BROWSER, None, 200),
    ("GET", "/query", {}, BROWSER, None, 200),
    ("GET", "/query", {"query": "SELECT * { ?s ?p ?o } LIMIT 2"}, BROWSER, None, 200),
    ("GET", "/query", {"query": "SELECT * {", "format": "html"}, BROWSER, None, 400),
    ("GET", "/query", {"query": "SELECT * { ?s ?p ?o } LIMIT 2", "format": "csv"}, None, None, 200),
    ("GET", "/query", {"name": "no-such-question"}, BROWSER, None, 404),
    ("GET", "/graph", {}, BROWSER, None, 200),
    ("GET", "/search", {"q": "cybercrime"}, BROWSER, None, 200),
    ("GET", "/search", {"q": "cybercrime"}, "application/json", None, 200),
    ("GET", "/id/france", {}, BROWSER, None, 200),
    ("GET", "/id/france", {}, "text/turtle", None, 200),
    ("GET", "/id/france", {}, "image/png", None, 406),
    ("GET", "/id/no-such-thing", {}, BROWSER, None, 404),
    ("GET", "/octograph.css", {}, None, None, 200),
    ("GET", "/sparql", {"query": ASK}, "application/sparql-results+json", None, 200),
    ("GET", "/sparql", {"query": "SELECT * {"}, None, None, 400),
    ("GET", "/sparql", {"query": ASK}, "image/png", None, 406),
    ("POST", "/sparql", {}, None, b"x" * (MAX_BODY + 1), 413),
    ("PUT", "/sparql", {}, None, b"", 405),
    ("GET", "/no-such-page", {}, BROWSER, None, 404),
    ("GET", "/no-such-page", {}, "text/plain", None, 404),
]


@pytest.mark.parametrize(
    ("method", "path", "params", "accept", "body", "status"),
    [pytest.param(*r, id=f"{r[0]} {r[1]} {r[5]} {r[3] or ''}"[:60]) for r in REQUESTS],
)
def test_every_response_carries_the_security_headers(
    client: httpx.Client,
    method: str,
    path: str,
    params: dict[str, str],
    accept: str | None,
    body: bytes | None,
    status: int,
) -> None:
    headers = {"Accept": accept} if accept else {}
    if body is not None:
        headers["Content-Type"] = "application/sparql-query"
    r = client.request(method, path, params=params, headers=headers, content=body)
    assert r.status_code == status, r.text[:300]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    policy = r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    if not r.headers["Content-Type"].startswith("text/html"):
        assert "default-src 'none'" in policy


def test_an_unexpected_error_carries_the_security_headers(kg: KnowledgeGraph) -> None:
    async def broken(request: object) -> None:
        raise RuntimeError("a bug")

    app = create_app(kg, workers=1)
    app.add_route("/broken", broken)
    with background(app) as base, httpx.Client(base_url=base, timeout=60) as c:
        r = c.get("/broken")
    assert r.status_code == 500
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]


# ---------------------------------------------------------------- memory


@contextlib.contextmanager
def served(*options: str) -> Iterator[tuple[str, psutil.Process]]:
    """``octograph serve`` in a child process on a free port: its URL and its process."""
    child = subprocess.Popen(
        [sys.executable, "-m", "octograph", "serve", "--port", "0", *options],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stderr is not None
        line = child.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        yield f"http://127.0.0.1:{found[1]}", psutil.Process(child.pid)
    finally:
        child.terminate()
        child.wait(timeout=30)


def test_distinct_large_queries_stay_within_the_cache_bound() -> None:
    cache_mb, margin_mb = 8, 48
    padding = "x" * 900_000
    with (
        served("--cache-mb", str(cache_mb), "--workers", "1") as (url, server),
        httpx.Client(base_url=url, timeout=60) as c,
    ):
        assert c.post("/sparql", data={"query": ASK}).status_code == 200
        before = server.memory_info().rss
        for i in range(200):
            query = f'ASK {{ ?s ?p "{padding}{i}" }}'
            r = c.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
            assert r.status_code == 200, r.text[:200]
        grown = (server.memory_info().rss - before) / 1e6
    # 200 keys of 0.9 MB are 180 MB: counted, they cannot stay.
    assert grown < cache_mb + SHAPES_MB + margin_mb, f"grew {grown:.0f} MB"


# A set of up to 31 million strings (every pair of objects): gigabytes, and seconds to fill.
HUGE = "SELECT (COUNT(DISTINCT CONCAT(STR(?c), STR(?f))) AS ?n) { ?a ?b ?c . ?d ?e ?f }"


def test_a_query_past_the_worker_memory_limit_is_503_and_the_server_goes_on() -> None:
    with (
        served("--worker-mb", "200", "--timeout", "60", "--workers", "1") as (url, server),
        httpx.Client(base_url=url, timeout=90) as c,
    ):
        r = c.post("/sparql", data={"query": HUGE}, headers={"Accept": "text/csv"})
        assert r.status_code == 503
        assert r.text == (
            "the query needed more memory than a query worker may use (200 MB, --worker-mb)\n"
        )
        assert server.memory_info().rss < 400e6
        for _ in range(3):
            r = c.post("/sparql", data={"query": ASK}, headers={"Accept": "text/csv"})
            assert (r.status_code, r.text) == (200, "true\n")


def _busy_worker(server: psutil.Process) -> psutil.Process:
    """The worker that is running a query: the child using the CPU."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for child in server.children():
            if child.cpu_percent(interval=0.05) > 20:
                return child
    raise AssertionError("no worker got busy")


def test_a_worker_that_ends_before_taking_a_query_passes_it_on() -> None:
    """Killed while idle, a worker can still look alive for a moment: the query sent to it
    then is not lost but taken by its successor. (Stopped first, the worker cannot read the
    query before it is killed, which makes the moment as long as the test needs.)"""
    with (
        served("--timeout", "30", "--workers", "1") as (url, server),
        httpx.Client(base_url=url, timeout=60) as c,
        ThreadPoolExecutor(1) as pool,
    ):
        assert c.post("/sparql", data={"query": "ASK {}"}).status_code == 200
        (worker,) = server.children()
        worker.send_signal(signal.SIGSTOP)
        asked = pool.submit(c.post, "/sparql", data={"query": "ASK { ?s ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json"})  # fmt: skip
        time.sleep(0.5)  # the query is in the stopped worker's socket
        worker.send_signal(signal.SIGKILL)
        r = asked.result(timeout=30)
        assert r.status_code == 200, r.text
        assert r.json()["boolean"] is True


def test_a_worker_killed_mid_query_fails_that_request_only() -> None:
    with (
        served("--timeout", "30", "--workers", "2") as (url, server),
        httpx.Client(base_url=url, timeout=60) as c,
        ThreadPoolExecutor(1) as pool,
    ):
        running = pool.submit(c.post, "/sparql", data={"query": HUGE})
        victim = _busy_worker(server)
        victim.send_signal(signal.SIGKILL)
        r = running.result(timeout=30)
        assert r.status_code == 503
        assert r.text == "the query worker was killed while answering; try again\n"
        # And a worker killed while idle is replaced before it is given a query.
        idle = [w for w in server.children() if w.pid != victim.pid]
        for worker in idle:
            worker.send_signal(signal.SIGKILL)
        for i in range(6):
            r = c.post("/sparql", data={"query": f"ASK {{ ?s ?p {i} }}"})
            assert r.status_code == 200, r.text
        live = [w for w in server.children() if w.status() != psutil.STATUS_ZOMBIE]
        assert len(live) == 2


# ---------------------------------------------------------------- the graph view


def test_the_graph_view_is_built_under_the_time_limit(kg: KnowledgeGraph) -> None:
    # Building the bundled report's view takes some 0.3 s: past a limit of 0.05 s it must be
    # stopped like a query, not hold the event loop (and every request) until it is done.
    quick = create_app(kg, timeout=0.05, workers=1)
    with background(quick) as base, httpx.Client(base_url=base, timeout=60) as c:
        r = c.get("/graph", headers={"Accept": BROWSER})
        assert r.status_code == 504, r.text[:200]
        assert "0.05 s" in r.text
        assert c.get("/octograph.css").status_code == 200


def test_the_graph_view_is_built_once_in_a_worker(client: httpx.Client) -> None:
    first = client.get("/graph", headers={"Accept": BROWSER})
    assert first.status_code == 200
    assert first.headers["Content-Type"].startswith("text/html")
    assert client.get("/graph").text == first.text
