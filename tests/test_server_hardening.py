"""The server under faults: security headers on every response, bounded caches and workers.

Every test talks to a real uvicorn server on 127.0.0.1 (a thread of this process) whose
queries run in forked worker processes, as in production.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from octograph import KnowledgeGraph
from octograph.server.app import background, create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ASK = "ASK { ?s ?p ?o }"
MAX_BODY = 20_000


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
