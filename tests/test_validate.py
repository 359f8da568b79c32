"""Validation: the bundled data is valid; each kind of damage is found and named."""

from __future__ import annotations

import re
from pathlib import Path

from octograph import KnowledgeGraph, load
from octograph.graph.validate import CHECKS


def test_bundled_data_is_valid(kg: KnowledgeGraph) -> None:
    report = kg.validate()
    assert report.ok, report.text()
    assert all(report.counts[check] > 0 for check in CHECKS)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_altered_quote_is_found(data_copy: Path) -> None:
    _edit(
        data_copy / "octopus-2019" / "structure.trig",
        '"This is difficult to replicate."',
        '"This is easy to replicate."',
    )
    report = load([data_copy]).validate()
    assert not report.ok
    [problem] = report.problems
    assert problem.check == "quotes"
    assert "passage/13" in problem.focus
    assert "the quote is not in the source text" in problem.message


def test_shifted_offsets_are_found(data_copy: Path) -> None:
    _edit(data_copy / "octopus-2019" / "structure.trig", "oa:start 1304 ;", "oa:start 1305 ;")
    report = load([data_copy]).validate()
    assert [p.check for p in report.problems] == ["quotes"]
    assert "found at 1304" in report.problems[0].message


def test_a_passage_quoting_another_text_than_its_reports_is_found(data_copy: Path) -> None:
    # The same words under another IRI: every quote still matches, but the passages no longer
    # quote their report's own text, by which questions find a report's passages.
    text = "<https://w3id.org/octograph/id/octopus-2019/text>"
    _edit(
        data_copy / "octopus-2019" / "structure.trig",
        f"kg:octopus-2019 octo:sourceText {text} ;",
        "kg:octopus-2019 octo:sourceText kg:copy ;",
    )
    _edit(
        data_copy / "octopus-2019" / "structure.trig",
        f"    {text} a octo:SourceText ;",
        f'    kg:copy a octo:SourceText ; rdfs:label "A copy"@en ; octo:content "" .\n'
        f"    {text} a octo:SourceText ;",
    )
    report = load([data_copy]).validate()
    problems = {(p.check, p.focus, p.message) for p in report.problems}
    passages = {f"kg:octopus-2019/passage/{n}" for n in range(1, 50)}
    quotes = "quotes kg:octopus-2019/text, not the source text of its report"
    assert problems == {("quotes", passage, quotes) for passage in passages}


def test_a_removed_label_is_found(data_copy: Path) -> None:
    _edit(data_copy / "common" / "entities.trig", 'rdfs:label "Lanzarote Convention"@en ;', "")
    report = load([data_copy]).validate()
    assert {p.check for p in report.problems} == {"shacl", "labels"}
    assert any(
        p.focus == "kg:lanzarote-convention" and "rdfs:label" in p.message
        for p in report.problems
        if p.check == "labels"
    )


def test_an_undeclared_property_is_found(data_copy: Path) -> None:
    _edit(
        data_copy / "octopus-2019" / "statements.trig",
        "kg:cybercrime-convention-committee ;",
        "kg:cybercrime-convention-committee ;\n        octo:admiredBy kg:council-of-europe ;",
    )
    report = load([data_copy]).validate()
    assert [(p.check, p.focus) for p in report.problems] == [("declared", "octo:admiredBy")]


def test_a_passage_that_states_nothing_without_reason_is_found(data_copy: Path) -> None:
    _edit(
        data_copy / "octopus-2019" / "statements.trig",
        'p:49 { kg:octopus-2019 octo:webAddress "www.coe.int/cybercrime" . }',
        "",
    )
    report = load([data_copy]).validate()
    assert [(p.check, p.focus) for p in report.problems] == [
        ("passages", "kg:octopus-2019/passage/49")
    ]


def test_report_text_lists_each_problem_and_each_check(data_copy: Path) -> None:
    _edit(data_copy / "octopus-2019" / "structure.trig", "oa:end 1335 .", "oa:end 1336 .")
    text = load([data_copy]).validate().text()
    assert re.search(r"^\[quotes\] kg:octopus-2019/passage/13: ", text, re.M)
    assert re.search(r"^quotes +1 problem", text, re.M)
    assert text.endswith("invalid: 1 problem(s)")
