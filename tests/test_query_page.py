"""The query page as a person reads it: questions by topic, one column per thing, the caret."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from octograph import KnowledgeGraph
from octograph.server.app import background, create_app


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[httpx.Client]:
    app = create_app(kg, timeout=10.0, max_rows=500, max_body=20_000, workers=1)
    with background(app) as base, httpx.Client(base_url=base, timeout=30) as c:
        yield c


def test_questions_are_listed_by_topic(client: httpx.Client) -> None:
    page = client.get("/query").text
    aside = page[page.index('<aside class="questions">') : page.index("</aside>")]
    topics = re.findall(r"<h3>(.*?)</h3>", aside)
    assert topics == [
        "Threats and remedies",
        "Who is involved",
        "Instruments",
        "Values and tensions",
        "The report&#39;s text",
        "Exploring the graph",
    ]
    assert "diff-" not in aside  # one report loaded: nothing to compare it with
    assert "octo:" not in aside  # descriptions in plain words


def test_answer_tables_show_one_column_per_thing(client: httpx.Client) -> None:
    page = client.get("/query", params={"name": "remedies-for-threat", "threat": "cyberattacks"})
    assert page.status_code == 200
    headers = re.findall(r"<th>(.*?)</th>", page.text)
    assert headers == [
        "threat",
        "report",
        "remedy",
        "messageNumber",
        "modality",
        "relation",
        "actor",
    ]
    assert "private sector" in page.text


def test_a_parse_error_shows_the_line_and_a_caret(client: httpx.Client) -> None:
    page = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p "})
    assert page.status_code == 400
    assert (
        "query line 1, column 23: a triple pattern needs a subject, a predicate and an object: "
        "the object is missing"
    ) in page.text
    assert (
        '<pre class="error-excerpt">  SELECT * WHERE { ?s ?p\n                        ^</pre>'
        in page.text
    )
