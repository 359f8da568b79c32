"""The W3C SPARQL 1.1 Protocol tests, replayed against octograph serve.

The manifest (tests/data/w3c/sparql11-protocol/manifest.ttl) describes each test as HTTP requests
(ht:Request) with the response expected; each test's data files are loaded as the named
graphs its labels name, and each request is sent as written, its /sparql/ path prefix
rewritten to the server under test.

octograph's endpoint is read-only, so the update tests are run for what they become there:
every update request must be refused (403) and the queries that follow, which would see the
update's effect, must find nothing changed.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from octograph import KnowledgeGraph
from octograph.engines.embedded import OxigraphEngine
from octograph.server.app import background, create_app

SUITE = Path(__file__).resolve().parent / "data" / "w3c" / "sparql11-protocol"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}


@dataclass
class Request:
    """One ht:Request of a test and the response it expects."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # expected status classes: 2, 3, 4
    boolean: bool | None
    result_format: str | None

    @property
    def is_update(self) -> bool:
        content_type = self.headers.get("content-type", "")
        return (
            content_type.startswith("application/sparql-update")
            or (self.body or b"").startswith(b"update=")
            or "update=" in self.path
            or "using-graph-uri=" in self.path
            or "using-named-graph-uri=" in self.path
        )


@dataclass
class ProtocolTest:
    """A test of the manifest: its name, data (file -> graph IRI) and requests in order."""

    id: str
    name: str
    data: tuple[tuple[str, str], ...]
    requests: list[Request] = field(default_factory=list)

    @property
    def updates(self) -> bool:
        return self.id.startswith("update_")


def _request(graph: rdflib.Graph, node: rdflib.term.Node) -> Request:
    headers = {}
    headers_list = graph.value(node, HT.headers)
    if headers_list is not None:
        for header in Collection(graph, headers_list):
            name = str(graph.value(header, HT.fieldName)).lower()
            headers[name] = str(graph.value(header, HT.fieldValue))
    body = None
    content = graph.value(node, HT.body)
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding.lower())
    response = graph.value(node, HT.resp)
    statuses = {
        int(str(s).rsplit("StatusCode", 1)[1][0])
        for s in graph.objects(response, MF.expectedStatus)
    }
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        statuses=statuses,
        boolean=None if boolean is None else bool(boolean.toPython()),
        result_format=None if fmt is None else str(fmt),
    )


def manifest_tests() -> list[ProtocolTest]:
    """Every test of the manifest, in the manifest's order."""
    graph = rdflib.Graph()
    manifest = SUITE / "manifest.ttl"
    graph.parse(manifest, format="turtle", publicID=manifest.as_uri())
    root = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(root, MF.entries)):
        data = tuple(
            sorted(
                (
                    Path(urlsplit(str(graph.value(g, UT.graph))).path).name,
                    str(graph.value(g, RDFS.label)),
                )
                for g in graph.objects(entry, UT.graphData)
            )
        )
        test = ProtocolTest(str(entry).rsplit("#", 1)[1], str(graph.value(entry, MF.name)), data)
        action = graph.value(entry, MF.action)
        for node in Collection(graph, graph.value(action, HT.requests)):
            test.requests.append(_request(graph, node))
        tests.append(test)
    return tests


TESTS = manifest_tests()


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[tuple[tuple[str, str], ...], str]]:
    """One server per distinct data set of the manifest, each with its graphs loaded."""
    urls: dict[tuple[tuple[str, str], ...], str] = {}
    with contextlib.ExitStack() as stack:
        for data in sorted({t.data for t in TESTS}):
            store = ox.Store()
            for filename, graph_iri in data:
                store.load(
                    (SUITE / filename).read_bytes(),
                    format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(graph_iri),
                )
            kg = KnowledgeGraph(OxigraphEngine.from_quads(store))
            app = create_app(kg, timeout=10, workers=1)
            urls[data] = stack.enter_context(background(app))
        yield urls


def send(base: str, request: Request) -> tuple[int, str, bytes]:
    """Send *request* as written, its /sparql/ prefix pointing at the server at *base*."""
    assert request.path.startswith("/sparql/")
    path = "/sparql" + request.path.removeprefix("/sparql/")
    target = urlsplit(base)
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    try:
        conn.request(request.method, path, body=request.body, headers=request.headers)
        response = conn.getresponse()
        return response.status, response.getheader("content-type") or "", response.read()
    finally:
        conn.close()


def check_format(kind: str, content_type: str, body: bytes) -> bool | None:
    """Check the body is *kind* (boolean, tabular, RDF); return an ASK answer if there is one."""
    media = content_type.split(";")[0].strip()
    if kind == "RDF":
        fmt = ox.RdfFormat.from_media_type(media)
        assert fmt is not None, media
        list(ox.parse(body, format=fmt))
        return None
    assert media in RESULT_TYPES, media
    if kind == "tabular":
        if media.endswith("json"):
            assert "bindings" in json.loads(body)["results"]
        elif media.endswith("xml"):
            ET.fromstring(body)
        else:
            assert body.splitlines()
        return None
    if media.endswith("json"):
        value = json.loads(body)["boolean"]
        assert isinstance(value, bool)
        return value
    tree = ET.fromstring(body)
    text = tree.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert text is not None
    return text.text == "true"


@pytest.mark.parametrize("test", [pytest.param(t, id=t.id) for t in TESTS])
def test_protocol(test: ProtocolTest, servers: dict[tuple[tuple[str, str], ...], str]) -> None:
    base = servers[test.data]
    for request in test.requests:
        status, content_type, body = send(base, request)
        text = body.decode("utf-8", "replace")
        assert "Traceback" not in text
        if request.is_update and 2 in request.statuses:
            # Read-only: an update the suite expects to succeed is refused, and says why.
            assert status == 403, (status, text)
            assert "read-only" in text
            continue
        assert status // 100 in request.statuses, (status, text)
        if status // 100 != 2:
            continue
        answer = (
            check_format(request.result_format, content_type, body)
            if request.result_format
            else None
        )
        if request.boolean is not None:
            # After a refused update, the query that would see its effect must not.
            expected = False if test.updates else request.boolean
            assert answer is expected, (test.id, text)


def test_the_manifest_was_read() -> None:
    assert len(TESTS) == 34
    assert sum(len(t.requests) for t in TESTS) == 39
