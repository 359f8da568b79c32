"""Comparing reports and searching passages: on the bundled report and a variant of it."""

from __future__ import annotations

import pytest

from octograph import KnowledgeGraph, NotFoundError, QueryError, load
from octograph.diff import diff_reports
from octograph.search import PassageIndex, fts_query

KG = "https://w3id.org/octograph/id/"


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The bundled data plus "octopus-2099": the same report with three known differences.

    The Budapest Convention has 68 Parties instead of 64 (same length, so offsets hold), and
    passage 27 no longer states anything about the Lanzarote Convention.
    """
    from octograph.load import bundled_data

    root = tmp_path_factory.mktemp("two") / "data"
    root.mkdir()
    for folder in bundled_data().iterdir():
        if folder.is_dir():
            (root / folder.name).mkdir()
            for f in folder.iterdir():
                (root / folder.name / f.name).write_bytes(f.read_bytes())
    src, dst = root / "octopus-2019", root / "octopus-2099"
    dst.mkdir()
    for f in src.iterdir():
        text = f.read_text(encoding="utf-8").replace("octopus-2019", "octopus-2099")
        if f.name == "statements.trig":
            text = _change(
                text, "f:budapest-parties schema:value 64", "f:budapest-parties schema:value 68"
            )
            text = _change(
                text,
                "    kg:lanzarote-convention octo:administeredBy kg:council-of-europe ;\n"
                "        octo:blueprintFor kg:harmonised-definitions-and-legislation ;\n"
                "        octo:addresses kg:online-child-sexual-exploitation-and-abuse .\n",
                "",
            )
            text = _change(
                text,
                "octo:citesInstrument kg:lanzarote-convention, kg:budapest-convention",
                "octo:citesInstrument kg:budapest-convention",
            )
        (dst / f.name).write_text(text, encoding="utf-8")
    kg = load([root])
    assert kg.validate().ok, kg.validate().text()
    return kg


def _change(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_a_report_compared_with_itself_has_no_differences(kg: KnowledgeGraph) -> None:
    diff = diff_reports(kg, "octopus-2019", "octopus-2019")
    assert (diff.entities, diff.relations, diff.figures) == ([], [], [])


def test_diff_finds_the_known_differences(two_reports: KnowledgeGraph) -> None:
    diff = diff_reports(two_reports, "octopus-2019", "kg:octopus-2099")
    assert {(r["side"], r["label"]) for r in diff.entities} == {
        ("only in A", "Lanzarote Convention")
    }
    assert {(r["subjectLabel"], r["predicateLabel"], r["objectLabel"]) for r in diff.relations} == {
        ("Lanzarote Convention", "addresses", "online sexual exploitation and abuse of children"),
        ("Lanzarote Convention", "administered by", "Council of Europe"),
        ("Lanzarote Convention", "blueprint for", "harmonised definitions and legislation"),
    }
    assert all(r["number"] == 27 for r in diff.relations)
    [figure] = diff.figures
    assert (figure["propertyLabel"], figure["valueA"], figure["valueB"]) == ("party count", 64, 68)
    assert figure["quoteB"].startswith("The Budapest Convention with currently 64 Parties")
    text = diff.text()
    assert "Budapest Convention, party count: 64 (A ¶10) → 68 (B ¶10)" in text


def test_diff_the_other_way_round(two_reports: KnowledgeGraph) -> None:
    diff = diff_reports(two_reports, "octopus-2099", "octopus-2019")
    assert {r["side"] for r in diff.entities} == {"only in B"}
    assert (diff.figures[0]["valueA"], diff.figures[0]["valueB"]) == (68, 64)


def test_diff_of_an_unknown_report_names_the_reports(kg: KnowledgeGraph) -> None:
    with pytest.raises(NotFoundError, match="is not a report here"):
        diff_reports(kg, "octopus-2019", "octopus-1999")


@pytest.fixture(scope="module")
def index(kg: KnowledgeGraph) -> PassageIndex:
    return PassageIndex(kg)


def test_search_words_phrase_and_prefix(index: PassageIndex) -> None:
    assert [h.number for h in index.search("WHOIS")] == [36]
    assert {h.number for h in index.search("elections trust")} == {14, 20}
    phrase = {h.number for h in index.search('"data protection"')}
    assert phrase == {35, 38}
    prefix = {h.number for h in index.search("prosecut*")}
    assert {25, 32, 42} <= prefix


def test_search_hit_has_message_snippet_and_entities(index: PassageIndex) -> None:
    [hit] = index.search("WHOIS")
    assert hit.message == 7
    assert hit.report == KG + "octopus-2019"
    assert hit.as_dict()["snippet"].startswith("Examples include lack of access to [WHOIS] data")
    assert (KG + "lack-of-access-to-whois-data", "lack of access to WHOIS data") in hit.entities


def test_search_ranks_the_densest_passage_first(index: PassageIndex) -> None:
    hits = index.search("capacity building")
    assert hits[0].number in {42, 44, 45}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("text", ['"', "*", "AND OR NOT", "NEAR(a b)", "col:x", "^a", "(", ""])
def test_search_syntax_cannot_be_injected(index: PassageIndex, text: str) -> None:
    try:
        query = fts_query(text)
    except QueryError:
        return
    assert all(part.startswith('"') for part in query.split(" AND "))
    index.search(text)


def test_search_finds_nothing_quietly(index: PassageIndex) -> None:
    assert index.search("xylophone") == []
