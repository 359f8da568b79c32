"""Real clients against octograph serve: SPARQLWrapper, rdflib's SPARQLStore, curl, chromium.

The server is a real uvicorn on 127.0.0.1 with a free port; each client is used as its own
documentation shows, with no adaptation to octograph.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import rdflib
from browser import ChromiumMissingError, launch, watch
from playwright.sync_api import Browser
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from octograph import KnowledgeGraph
from octograph.server.app import background, create_app

PREFIXES = """PREFIX octo: <https://w3id.org/octograph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
MESSAGES = (
    PREFIXES
    + "SELECT ?m ?title WHERE { ?m octo:messageNumber ?n ; dcterms:title ?title } ORDER BY ?n"
)
TREATY = (
    "ASK { <https://w3id.org/octograph/id/budapest-convention>"
    " a <https://w3id.org/octograph/ontology#Treaty> }"
)


@pytest.fixture(scope="module")
def url(kg: KnowledgeGraph) -> Iterator[str]:
    with background(create_app(kg, timeout=10, max_rows=1000)) as base:
        yield base


# ---------------------------------------------------------------- SPARQLWrapper


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_select_and_ask(url: str, fmt: str) -> None:
    client = SPARQLWrapper(f"{url}/sparql")
    client.setReturnFormat(fmt)
    client.setQuery(MESSAGES)
    result = client.query().convert()
    if fmt == JSON:
        titles = [b["title"]["value"] for b in result["results"]["bindings"]]
    else:  # a minidom document
        titles = [n.firstChild.data for n in result.getElementsByTagName("literal")]
    assert len(titles) == 9
    assert titles[0] == "The Budapest Convention is likely to remain the most relevant agreement"
    client.setQuery(TREATY)
    answer = client.query().convert()
    if fmt == JSON:
        assert answer["boolean"] is True
    else:
        assert answer.getElementsByTagName("boolean")[0].firstChild.data == "true"


def test_sparqlwrapper_post_and_construct(url: str) -> None:
    client = SPARQLWrapper(f"{url}/sparql")
    client.setMethod(POST)
    client.setReturnFormat(TURTLE)
    client.setQuery(PREFIXES + "CONSTRUCT WHERE { ?m octo:messageNumber ?n }")
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 9


def test_sparqlwrapper_reports_a_bad_query(url: str) -> None:
    client = SPARQLWrapper(f"{url}/sparql")
    client.setReturnFormat(JSON)
    client.setQuery("SELECT * WHERE {")
    with pytest.raises(QueryBadFormed) as error:
        client.query()
    assert "line 1, column" in str(error.value)


# ---------------------------------------------------------------- rdflib SPARQLStore


def test_rdflib_sparqlstore(url: str) -> None:
    store = SPARQLStore(query_endpoint=f"{url}/sparql", returnFormat="json")
    graph = rdflib.Graph(store)
    rows = list(graph.query(MESSAGES))
    assert len(rows) == 9
    assert (
        str(rows[0][1]) == "The Budapest Convention is likely to remain the most relevant agreement"
    )
    assert graph.query(TREATY).askAnswer is True
    octo = rdflib.Namespace("https://w3id.org/octograph/ontology#")
    treaties = set(graph.subjects(rdflib.RDF.type, octo.Treaty))
    assert rdflib.URIRef("https://w3id.org/octograph/id/budapest-convention") in treaties
    with pytest.raises(TypeError):  # read-only: rdflib refuses before any request
        graph.add((octo.a, octo.b, octo.c))


# ---------------------------------------------------------------- curl


CURL = shutil.which("curl")


def curl(*args: str) -> subprocess.CompletedProcess[str]:
    assert CURL, "curl is missing: apt-get install -y curl"
    return subprocess.run(
        [CURL, "--silent", "--show-error", "--max-time", "30", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_curl_get_csv_and_post_form(url: str) -> None:
    get = curl("-H", "Accept: text/csv", f"{url}/sparql?{urlencode({'query': MESSAGES})}")
    rows = list(csv.reader(io.StringIO(get.stdout)))
    assert rows[0] == ["m", "title"]
    assert len(rows) == 10
    post = curl("--data-urlencode", f"query={MESSAGES}", f"{url}/sparql")
    assert len(json.loads(post.stdout)["results"]["bindings"]) == 9
    direct = curl(
        "-H", "Content-Type: application/sparql-query", "--data-binary", TREATY, f"{url}/sparql"
    )
    assert json.loads(direct.stdout)["boolean"] is True


def test_curl_sees_statuses(url: str) -> None:
    def status(*args: str) -> str:
        return curl("-o", "/dev/null", "-w", "%{http_code}", *args).stdout

    assert status(f"{url}/sparql?{urlencode({'query': 'SELECT * {'})}") == "400"
    assert status("--data-urlencode", "update=CLEAR ALL", f"{url}/sparql") == "403"
    assert status("-X", "PUT", f"{url}/sparql") == "405"
    assert status("-H", "Accept: image/png", f"{url}/sparql?query=ASK%7B%7D") == "406"
    assert status("-H", "Content-Type: text/plain", "--data", "ASK {}", f"{url}/sparql") == "415"
    turtle = curl("-H", "Accept: text/turtle", f"{url}/id/budapest-convention")
    assert "budapest-convention" in turtle.stdout
    assert turtle.stdout.lstrip().startswith("@prefix")


# ---------------------------------------------------------------- chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        with launch() as b:
            yield b
    except ChromiumMissingError as e:
        pytest.fail(str(e))  # CI installs chromium: a missing browser must not pass quietly


def local_only(requests: list[str], url: str) -> list[str]:
    return [r for r in requests if not r.startswith((url, "data:", "about:"))]


@pytest.mark.browser
def test_query_page_in_chromium(browser: Browser, url: str) -> None:
    page = browser.new_page()
    log = watch(page)
    page.goto(f"{url}/query?name=remedies-for-threat")
    rows = page.locator("table.results tbody tr")
    assert rows.count() >= 1
    # Edit the query in the text area and run it: the query lands in the URL.
    page.goto(f"{url}/query")
    page.fill("textarea#query", MESSAGES)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "query=" in page.url
    assert page.locator("table.results tbody tr").count() == 9
    first = page.locator("table.results tbody tr td a").first
    assert first.inner_text().startswith("Key message 1")
    first.click()
    page.wait_for_load_state()
    assert "/id/octopus-2019/message/1" in page.url
    assert page.locator("h1").inner_text().startswith("Key message 1")
    assert log.errors == []
    assert local_only(log.requests, url) == []
    page.close()


@pytest.mark.browser
def test_entity_page_and_overview_in_chromium(browser: Browser, url: str) -> None:
    page = browser.new_page()
    log = watch(page)
    page.goto(f"{url}/")
    assert page.locator("ol.messages > li").count() == 9
    page.click("a[href='/id/budapest-convention'] >> nth=0")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Budapest Convention"
    quotes = page.locator("ul.quotes li")
    assert quotes.count() >= 1
    assert "¶" in quotes.first.inner_text()
    page.goto(f"{url}/graph")
    page.wait_for_load_state()
    assert log.errors == []
    assert local_only(log.requests, url) == []
    page.close()


@pytest.mark.browser
def test_search_from_the_home_page_in_chromium(browser: Browser, url: str) -> None:
    page = browser.new_page()
    log = watch(page)
    page.goto(f"{url}/")
    page.fill("form[role=search] input[name=q]", '"data protection"')
    page.press("form[role=search] input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "/search?q=" in page.url
    hits = page.locator("ol.hits > li")
    assert hits.count() == 2
    assert page.locator("ol.hits mark").first.inner_text().lower() == "data protection"
    hits.first.locator("p.states a").first.click()
    page.wait_for_load_state()
    assert "/id/" in page.url
    assert page.locator("h1").count() == 1
    assert log.errors == []
    assert local_only(log.requests, url) == []
    page.close()
