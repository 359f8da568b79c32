"""Ontology documentation: every class and property, examples from the data, a diagram."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

from octograph import KnowledgeGraph, OutputError
from octograph.docs import ClassDoc, OntologyDoc, collect, render_html, render_svg, write_docs
from octograph.vocabulary import OCTO

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def written(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    write_docs(kg, out)
    return out


def test_writes_a_page_and_a_diagram(written: Path) -> None:
    assert sorted(p.name for p in written.iterdir()) == ["index.html", "model.svg"]
    assert not [p for p in written.iterdir() if p.name.endswith(".tmp")]


def test_the_page_documents_every_class_and_property(written: Path) -> None:
    html = (written / "index.html").read_text(encoding="utf-8")
    for name in OCTO.__annotations__:
        term = OCTO[name]
        if name[0].isupper():
            assert f'id="{name}"' in html, name
        assert f"octo:{name}" in html, term


def test_classes_show_instances_and_properties_show_a_quoted_example(
    kg: KnowledgeGraph, written: Path
) -> None:
    doc = collect(kg)
    treaty = doc.klass(str(OCTO.Treaty))
    assert treaty is not None
    assert ("https://w3id.org/octograph/id/budapest-convention", "Budapest Convention") in (
        treaty.instances
    )
    assert treaty.instance_count == 3
    [identifies] = [p for p in doc.properties if p.iri == str(OCTO.identifiesThreat)]
    assert identifies.domains == [str(OCTO.KeyMessage)]
    assert identifies.ranges == [str(OCTO.Threat)]
    example = identifies.example
    assert example is not None
    assert example.passage_number is not None
    assert example.quote
    assert example.object_label
    html = (written / "index.html").read_text(encoding="utf-8")
    assert f"¶{example.passage_number}: “{example.quote}”" in unescape(html)


def test_the_diagram_draws_top_classes_as_boxes_and_object_properties_as_arrows(
    written: Path, kg: KnowledgeGraph
) -> None:
    root = ET.parse(written / "model.svg").getroot()
    assert root.tag == f"{SVG}svg"
    boxes = {g.get("id") for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("class-")}
    assert {"class-KeyMessage", "class-Threat", "class-Instrument", "class-Stakeholder"} <= boxes
    assert "class-Treaty" not in boxes  # drawn inside Instrument's box
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Treaty" in text
    assert "identifiesThreat" in text
    arrows = [p for p in root.iter(f"{SVG}path") if p.get("marker-end")]
    assert len(arrows) > 15
    svg = (written / "model.svg").read_text(encoding="utf-8")
    assert render_svg(collect(kg)) == svg  # deterministic
    assert svg in (written / "index.html").read_text(encoding="utf-8")  # inline copy


def test_the_page_is_self_contained_and_escaped(written: Path) -> None:
    html = (written / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//[^"']*\.(js|css)""", html)
    assert "<script" not in html
    assert "<link" not in html
    # Data text is escaped: an apostrophe in a label never closes an attribute or a tag
    # (which character reference spells it is the template engine's business).
    assert "Palais de l'Europe" in unescape(html)
    assert "Palais de l'Europe" not in html


def test_the_same_graph_gives_the_same_files(kg: KnowledgeGraph, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    write_docs(kg, first)
    write_docs(kg, second)
    for name in ("index.html", "model.svg"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_a_missing_folder_is_an_output_error_and_nothing_is_written(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    with pytest.raises(OutputError, match="folder does not exist"):
        write_docs(kg, tmp_path / "missing")
    assert list(tmp_path.iterdir()) == []


def test_paths_are_loaded_when_no_graph_is_given(tmp_path: Path) -> None:
    from octograph.graph.load import bundled_data

    written = write_docs([bundled_data() / "common"], tmp_path)
    assert [p.name for p in written] == ["model.svg", "index.html"]


def test_the_templates_escape_what_the_ontology_says() -> None:
    hostile = str(OCTO.Threat) + '<g onload="alert(1)">&'
    threat = ClassDoc(hostile, "owl:Class", "Evil <b>", "it's <i>bad</i>")
    doc = OntologyDoc("T & <T>", "", "", "", "", [threat], [], [], [])
    svg = render_svg(doc)
    root = ET.fromstring(svg)  # still well-formed XML
    assert [t.text for t in root.iter(f"{SVG}text")] == ['Threat<g onload="alert(1)">&']
    assert "<g onload" not in svg
    page = render_html(doc, svg)
    assert "<b>" not in page
    assert "<i>" not in page
    assert "<title>T &amp; &lt;T&gt;</title>" in page
    assert "it's <i>bad</i>" in unescape(page)
