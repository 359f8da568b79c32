"""What the graph view draws, read from its objects: palette, modality, message map, any RDF."""

from __future__ import annotations

import base64
import itertools
import json
import re
import zlib
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from colour import ciede2000, delta_e, deuteranopia

from octograph import load
from octograph.cli import main
from octograph.server.answers import ServerData
from octograph.server.tasks import graph_page
from octograph.view.arrange import MAP_COLUMNS, label_box, wrap_label
from octograph.view.page import build_view
from octograph.view.palette import CATEGORY_COLORS, MODALITY_STYLES

# The distance the palette keeps between any two categories' colours, for normal vision and
# for a deuteranope (the commonest colour-vision deficiency). About 2 is the smallest
# difference one notices side by side; past 10 two patches read as different colours at a
# glance. 15 is what seventeen colours allow under deuteranopia (see view/palette.py), and
# every colour keeps 20 from the white page so that no node fades into it.
MIN_DELTA_E = 15.0
MIN_FROM_WHITE = 20.0


@pytest.fixture(scope="module")
def report() -> nx.MultiDiGraph:
    return load().to_networkx()


def test_the_colour_ruler_matches_the_published_test_data() -> None:
    # Sharma, Wu & Dalal (2005), table 1, pairs 1 and 19.
    assert round(ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)), 4) == 2.0425
    assert round(ciede2000((50, 2.5, 0), (73, 25, -18)), 4) == 27.1492


def _far_apart(a: str, b: str) -> bool:
    """The two colours differ by MIN_DELTA_E, both for normal and for deuteranopic vision."""
    seen = delta_e(deuteranopia(a), deuteranopia(b))
    return delta_e(a, b) >= MIN_DELTA_E and seen >= MIN_DELTA_E


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(CATEGORY_COLORS, 2)))
def test_any_two_colours_differ_for_normal_and_deuteranopic_vision(a: str, b: str) -> None:
    assert _far_apart(a, b)


@pytest.mark.parametrize("colour", CATEGORY_COLORS)
def test_every_colour_shows_on_the_white_page(colour: str) -> None:
    assert delta_e(colour, "#ffffff") >= MIN_FROM_WHITE


def test_the_ruler_tells_a_confusable_pair() -> None:
    # Red and green of the same lightness: far apart for most, one colour for a deuteranope.
    assert delta_e("#cc3311", "#558800") >= MIN_DELTA_E
    assert not _far_apart("#cc3311", "#558800")


def test_every_category_of_the_report_has_a_colour_of_its_own(report: nx.MultiDiGraph) -> None:
    categories = build_view(report).categories
    assert len(categories) >= 12
    for one, other in itertools.combinations(categories, 2):
        assert _far_apart(one.color, other.color), (one.name, other.name)
        if one.family == other.family:  # and within a family a shape of its own
            assert one.shape != other.shape, (one.name, other.name)


def test_a_crowded_graph_still_settles_with_no_box_over_another() -> None:
    """400 nodes and 800 random edges: pushing pairs apart alone went round in circles past
    its 2,000 passes and left boxes overlapping; the layout now makes room until none do."""
    from test_view import synthetic_graph

    view = build_view(synthetic_graph(400, 800))
    boxes = [(n["x"], n["y"], label_box(wrap_label(n["label"]), n["font"], n["size"]))
             for n in view.nodes]  # fmt: skip
    left = np.array([x - b.half for x, _, b in boxes])
    right = np.array([x + b.half for x, _, b in boxes])
    top = np.array([y - b.up for _, y, b in boxes])
    bottom = np.array([y + b.down for _, y, b in boxes])
    across = np.minimum.outer(right, right) - np.maximum.outer(left, left)
    down = np.minimum.outer(bottom, bottom) - np.maximum.outer(top, top)
    overlapping = np.triu((across > 0.5) & (down > 0.5), 1)
    assert not overlapping.any(), np.argwhere(overlapping)[:5]


def test_other_categories_take_colours_nobody_has() -> None:
    """Any RDF: up to as many types as there are colours, each type gets its own colour."""
    graph = nx.MultiDiGraph()
    names = ["Threat", "Remedy"] + [f"Type{i}" for i in range(len(CATEGORY_COLORS) - 2)]
    for name in names:
        graph.add_node(name, label=name, category=name)
    categories = build_view(graph).categories
    assert len({c.color for c in categories}) == len(CATEGORY_COLORS)
    graph.add_node("one more", label="one more", category="Zebra")  # then colour and shape
    looks = [(c.color, c.shape) for c in build_view(graph).categories]
    assert len(set(looks)) == len(looks)


def _hedged_graph() -> nx.MultiDiGraph:
    """A hand-made graph with the `modality` edge attribute of issue #18's contract."""
    graph = nx.MultiDiGraph()
    for name, category in [("m", "KeyMessage"), ("t", "Threat"), ("r", "Remedy"),
                           ("s", "Stakeholder"), ("i", "Instrument")]:  # fmt: skip
        graph.add_node(name, label=name.upper(), category=category)
    for source, target, predicate, modality in [
        ("m", "t", "identifiesThreat", None),
        ("m", "r", "proposesRemedy", "should"),
        ("r", "t", "addresses", "may"),
        ("s", "i", "uses", "must"),
        ("t", "s", "harms", "likely"),
        ("i", "t", "covers", "states"),
    ]:
        graph.add_edge(source, target, key=predicate, predicate=predicate, label=predicate)
        if modality:
            graph.edges[source, target, predicate]["modality"] = modality
    return graph


def test_hedged_and_required_edges_are_drawn_apart_from_facts() -> None:
    view = build_view(_hedged_graph())
    assert {e["label"]: e["modality"] for e in view.edges} == {
        "identifiesThreat": "states", "proposesRemedy": "should", "addresses": "may",
        "uses": "must", "harms": "likely", "covers": "states",
    }  # fmt: skip
    fact = MODALITY_STYLES["states"]
    for hedge in ("may", "likely"):
        assert MODALITY_STYLES[hedge]["dashes"]
    assert not fact["dashes"]
    for demand in ("must", "should"):
        assert float(MODALITY_STYLES[demand]["width"]) >= 2 * float(fact["width"])  # type: ignore[arg-type]
    data = view._page_data()
    # A row names its modality by position, and leaves out a plain statement's.
    names = data["modalityNames"]
    assert names[0] == "states"
    drawn = [names[row[6]] if len(row) > 6 else "states" for row in data["edges"]]
    assert drawn == [e["modality"] for e in view.edges]
    assert data["modalities"] == MODALITY_STYLES


def test_unknown_modality_reads_as_a_plain_statement() -> None:
    graph = _hedged_graph()
    graph.edges["m", "t", "identifiesThreat"]["modality"] = "perhaps"
    assert build_view(graph).edges[0]["modality"] == "states"


def _crossings(graph: nx.MultiDiGraph, pos: dict[str, tuple[float, float]]) -> int:
    """Crossings between the straight edges of neighbouring map columns."""
    segments = sorted(
        (pos[u], pos[v]) if pos[u][0] < pos[v][0] else (pos[v], pos[u])
        for u, v in graph.to_undirected().edges()
        if u in pos and v in pos and pos[u][0] != pos[v][0]
    )
    count = 0
    for (a1, a2), (b1, b2) in itertools.combinations(segments, 2):
        if a1[0] == b1[0] and a2[0] == b2[0] and a1 != b1 and a2 != b2:
            count += (a1[1] - b1[1]) * (a2[1] - b2[1]) < 0
    return count


def test_the_message_map_reads_left_to_right_with_few_crossings() -> None:
    graph = load().to_networkx(message=2)
    view = build_view(graph, mode="map")
    assert view.mode == "map"
    placed = {n["id"]: (n["mx"], n["my"]) for n in view.nodes if n["mx"] is not None}
    category = {n["id"]: n["category"] for n in view.nodes}
    assert {category[n] for n in placed} == set(MAP_COLUMNS)
    assert all(category[n] in MAP_COLUMNS for n in placed)
    columns = [sorted({placed[n][0] for n in placed if category[n] == c}) for c in MAP_COLUMNS]
    assert all(a[-1] < b[0] for a, b in itertools.pairwise(columns))  # left to right
    # Fewer crossings than the same columns in the order of their labels.
    by_label: dict[str, tuple[float, float]] = {}
    for c, xs in zip(MAP_COLUMNS, columns, strict=True):
        names = sorted(
            (n for n in placed if category[n] == c), key=lambda n: graph.nodes[n]["label"]
        )
        ys = sorted(placed[n][1] for n in names)
        by_label |= {n: (xs[0], y) for n, y in zip(names, ys, strict=True)}
    assert _crossings(graph, placed) < _crossings(graph, by_label)


def test_settled_positions_keep_every_node_and_label_apart(report: nx.MultiDiGraph) -> None:
    view = build_view(report)
    boxes = [
        (n["x"], n["y"], label_box(wrap_label(n["label"]), n["font"], n["size"]))
        for n in view.nodes
    ]
    for (x1, y1, b1), (x2, y2, b2) in itertools.combinations(boxes, 2):
        apart_x = abs(x1 - x2) >= b1.half + b2.half
        apart_y = y1 + b1.down <= y2 - b2.up or y2 + b2.down <= y1 - b1.up
        assert apart_x or apart_y
    assert view.physics is False


def test_any_rdf_is_drawn_by_type_and_label(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "zoo.ttl"
    data.write_text(
        """@prefix ex: <https://example.org/zoo#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:leo a ex:Lion ; rdfs:label "Leo"@en, "Léon"@fr ; ex:eats ex:zebra1 ; ex:livesIn ex:savanna .
ex:zebra1 a ex:Zebra ; skos:prefLabel "Zig" .
ex:savanna a ex:Habitat .
ex:keeper ex:feeds ex:leo .
""",
        encoding="utf-8",
    )
    graph = load([data]).to_networkx()
    assert dict(graph.nodes(data="label")) == {
        "https://example.org/zoo#leo": "Leo", "https://example.org/zoo#zebra1": "Zig",
        "https://example.org/zoo#savanna": "savanna", "https://example.org/zoo#keeper": "keeper",
    }  # fmt: skip
    assert graph.nodes["https://example.org/zoo#leo"]["category"] == "Lion"
    assert graph.nodes["https://example.org/zoo#keeper"]["category"] == "Resource"
    assert sorted(label for *_, label in graph.edges(data="label")) == ["eats", "feeds", "livesIn"]
    page = tmp_path / "zoo.html"
    with pytest.raises(SystemExit) as e:
        main(["--data", str(data), "view", "-o", str(page)])
    out, err = capsys.readouterr()
    assert (e.value.code or 0) == 0, err
    assert out == f"{page}\n"
    text = page.read_text(encoding="utf-8")
    assert "Zig" in text
    assert "<title>octograph — zoo.ttl</title>" in text  # not "the report's graph"


def test_any_rdf_is_named_by_the_usual_properties(tmp_path: Path) -> None:
    data = tmp_path / "people.ttl"
    data.write_text(
        """@prefix ex: <https://example.org/p#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:ada a foaf:Person ; foaf:name "Ada Lovelace" ; schema:description "Wrote the first program."@en ;
    foaf:knows ex:charles .
ex:charles a schema:Person ; schema:name "Charles Babbage" ; foaf:name "C. Babbage" ;
    schema:author ex:engine .
ex:engine a ex:Machine ; dct:title "Analytical Engine"@en, "Machine analytique"@fr ;
    rdfs:comment "Never built." .
ex:notes a ex:Document ; rdfs:label "Notes"@en ; skos:prefLabel "Note G"@en ; ex:on ex:engine .
ex:loom a ex:Machine ; skos:definition "Woven by cards." ; ex:inspired ex:engine .
""",
        encoding="utf-8",
    )
    kg = load([data])
    p = "https://example.org/p#"
    labels = dict(kg.to_networkx().nodes(data="label"))
    assert labels == {
        f"{p}ada": "Ada Lovelace",  # foaf:name
        f"{p}charles": "C. Babbage",  # foaf:name before schema:name
        f"{p}engine": "Analytical Engine",  # dcterms:title, in English
        f"{p}notes": "Note G",  # skos:prefLabel before rdfs:label
        f"{p}loom": "loom",  # no name: the IRI's local name
    }
    described = dict(kg.to_networkx().nodes(data="description"))
    assert described[f"{p}ada"] == "Wrote the first program."
    assert described[f"{p}engine"] == "Never built."
    assert described[f"{p}loom"] == "Woven by cards."  # described though unnamed
    french = dict(kg.to_networkx(lang="fr").nodes(data="label"))
    assert french[f"{p}engine"] == "Machine analytique"


def test_view_layout_map_opens_on_the_map(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "map.html"
    with pytest.raises(SystemExit) as e:
        main(["view", "--layout", "map", "--message", "3", "-o", str(page)])
    assert (e.value.code or 0) == 0, capsys.readouterr().err
    assert '"mode":"map"' in page.read_text(encoding="utf-8")
    # A selection without key messages has no map: one line, status 2, no file.
    other = tmp_path / "none.html"
    with pytest.raises(SystemExit) as e:
        main(["view", "--layout", "map", "--no-messages", "-o", str(other)])
    err = capsys.readouterr().err
    assert e.value.code == 2
    assert err == "error: --layout map: the selection has no key message to lay out\n"
    assert not other.exists()


def test_the_server_graph_page_has_the_site_navigation() -> None:
    page = graph_page(ServerData(load(), {}), "/mounted")
    nav = re.search(r'<nav id="og-site"[^>]*>(.*?)</nav>', page, re.S)
    assert nav is not None
    links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav.group(1))
    assert ("/mounted/graph", ' aria-current="page"', "Graph") in links
    assert ("/mounted/query", "", "Query") in links
    assert "vis.Network" in page


def test_a_big_page_is_deflated_and_a_small_one_stays_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_view import synthetic_graph

    # A smaller threshold than the real one, so that the test's graph is "big".
    monkeypatch.setattr("octograph.view.pack.PACK_BYTES", 100_000)
    small = build_view(_hedged_graph()).to_html()
    assert '"packed"' not in small
    assert '"labels":["identifiesThreat",' in small  # plain JSON, as it was
    big = build_view(synthetic_graph(3_000, 9_000)).write(tmp_path / "big.html")
    text = big.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="og-data">(.*?)</script>', text, re.S)
    assert block is not None
    packed = json.loads(block.group(1))["packed"]
    data = json.loads(zlib.decompress(base64.b64decode(packed), -15))
    assert len(data["nodes"]) == 3_000
    assert len(data["edges"]) == 9_000
