"""Tests of octograph.view: the GraphView data, the page's safety, atomic writes, chromium."""

from __future__ import annotations

import copy
import errno
import html
import itertools
import json
import os
import random
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from browser import ChromiumMissingError, PageLog, launch, watch
from playwright.sync_api import Browser, Page

from octograph.errors import OutputError
from octograph.view.page import GraphView, build_view, category_color
from octograph.view.palette import category_style
from octograph.view.render import csp_hash

ENTITY = "https://example.org/report/entity/"
ONTOLOGY = "https://example.org/ontology#"
PASSAGE = "https://example.org/report/passage/"
ARTIFACTS = Path(__file__).parent / "artifacts"

XSS_LABEL = '<img src=x onerror="window.pwned=1">'
XSS_DESCRIPTION = '<a href="javascript:window.pwned=2">click me</a>'
XSS_QUOTE = '<script>window.pwned=3</script> see <a href="javascript:window.pwned=4">this</a>'
XSS_TITLE = '<img src=x onerror="window.pwned=5"> & report'


def _add_link(
    graph: nx.MultiDiGraph, source: str, predicate: str, target: str, *quotes: tuple[int, str]
) -> None:
    graph.add_edge(
        ENTITY + source,
        ENTITY + target,
        key=ONTOLOGY + predicate,
        predicate=ONTOLOGY + predicate,
        label=predicate,
        passages=[{"id": f"{PASSAGE}{n}", "number": n, "quote": q} for n, q in quotes],
    )


def report_graph() -> nx.MultiDiGraph:
    """A small graph shaped like octograph.network's output, with hostile text in it."""
    graph = nx.MultiDiGraph(title="Cybercrime report")
    for name, label, category, description in [
        ("ransomware", "Ransomware", "Threat", "Malware that encrypts data for a ransom."),
        ("raas", "Ransomware-as-a-service", "Threat", ""),
        ("backups", "Offline backups", "Remedy", "Copies kept off the network."),
        ("budapest", "Budapest Convention", "Instrument", "The 2001 convention."),
        ("police", "Law enforcement", "Stakeholder", ""),
        ("privacy", "Privacy", "Value", ""),
        ("hospital", "2023 hospital attack", "Event", ""),
        ("hostile", XSS_LABEL, "Tension", XSS_DESCRIPTION),
        ("cooperation", "Cooperation across borders", "KeyMessage", ""),
    ]:
        graph.add_node(
            ENTITY + name, label=label, category=category, description=description,
            iri=ENTITY + name,
        )  # fmt: skip
    _add_link(graph, "backups", "addresses", "ransomware",
              (12, "Offline backups limit the damage ransomware does."))  # fmt: skip
    _add_link(graph, "backups", "mitigates", "ransomware", (13, "Backups mitigate ransomware."))
    _add_link(graph, "budapest", "addresses", "ransomware", (3, "The Convention covers it."))
    _add_link(graph, "police", "uses", "budapest",
              (7, "Law enforcement relies on the Budapest Convention."))  # fmt: skip
    _add_link(graph, "ransomware", "threatens", "privacy", (2, "Ransomware threatens privacy."))
    _add_link(graph, "hospital", "involves", "ransomware", (1, "A hospital was hit in 2023."))
    _add_link(graph, "backups", "addresses", "raas", (14, "Backups also blunt RaaS."))
    _add_link(graph, "raas", "evades", "backups", (15, "Some gangs delete the backups."))
    _add_link(graph, "hostile", "involves", "police", (21, XSS_QUOTE))
    _add_link(graph, "cooperation", "about", "budapest", (30, "Cooperation needs the treaty."),
              (31, "States should ratify it."))  # fmt: skip
    return graph


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    return report_graph()


@pytest.fixture
def view(graph: nx.MultiDiGraph) -> GraphView:
    return build_view(graph)


def _edge(view: GraphView, source: str, predicate: str, target: str) -> dict[str, Any]:
    return next(
        dict(e)
        for e in view.edges
        if (e["from"], e["predicate"], e["to"])
        == (ENTITY + source, ONTOLOGY + predicate, ENTITY + target)
    )


def _node(view: GraphView, name: str) -> dict[str, Any]:
    return next(dict(n) for n in view.nodes if n["id"] == ENTITY + name)


def _json_block(page: str) -> str:
    match = re.search(r'<script type="application/json" id="og-data">(.*?)</script>', page, re.S)
    assert match, "the page has no data block"
    return match.group(1)


# -- GraphView: what will be drawn ------------------------------------------------------------


def test_counts_match_the_graph(graph: nx.MultiDiGraph, view: GraphView) -> None:
    assert len(view.nodes) == graph.number_of_nodes()
    assert len(view.edges) == graph.number_of_edges()
    assert {n["id"] for n in view.nodes} == set(graph.nodes)
    assert len({e["id"] for e in view.edges}) == len(view.edges)
    assert sum(c.count for c in view.categories) == graph.number_of_nodes()
    assert sum(p.count for p in view.predicates) == graph.number_of_edges()


def test_nodes_carry_label_category_colour_and_size_by_degree(view: GraphView) -> None:
    ransomware = _node(view, "ransomware")
    assert ransomware["label"] == "Ransomware"
    assert ransomware["category"] == ransomware["group"] == "Threat"
    assert ransomware["color"] == category_color("Threat")
    assert ransomware["description"] == "Malware that encrypts data for a ransom."
    assert "title" not in ransomware  # vis-network would show a title as a tooltip
    # The most connected node is drawn biggest, a node with one link smaller.
    assert ransomware["size"] == max(n["size"] for n in view.nodes)
    assert _node(view, "privacy")["size"] < ransomware["size"]


def test_edges_carry_predicate_label_and_quotes(view: GraphView) -> None:
    edge = _edge(view, "police", "uses", "budapest")
    assert edge["label"] == "uses"
    assert edge["passages"] == [
        {
            "id": PASSAGE + "7",
            "number": 7,
            "quote": "Law enforcement relies on the Budapest Convention.",
        }
    ]
    assert "title" not in edge


def test_parallel_edges_are_bent_apart(view: GraphView) -> None:
    addresses = _edge(view, "backups", "addresses", "ransomware")
    mitigates = _edge(view, "backups", "mitigates", "ransomware")
    # Same ends, same direction: one straight, the other curved.
    assert "smooth" not in addresses
    assert mitigates["smooth"]["type"] in {"curvedCW", "curvedCCW"}
    assert mitigates["smooth"]["roundness"] > 0
    # Both directions between two nodes: both bend clockwise, so onto opposite sides.
    there = _edge(view, "backups", "addresses", "raas")
    back = _edge(view, "raas", "evades", "backups")
    assert there["smooth"]["type"] == back["smooth"]["type"] == "curvedCW"
    # A lone edge stays straight.
    assert "smooth" not in _edge(view, "police", "uses", "budapest")


def test_many_parallel_edges_get_distinct_curves() -> None:
    graph = nx.MultiDiGraph()
    for n in "ab":
        graph.add_node(n, label=n, category="Threat")
    for k in range(9):
        graph.add_edge("a", "b", key=f"p{k}", label=f"p{k}")
    curves = [
        (e["smooth"]["type"], e["smooth"]["roundness"]) if "smooth" in e else None
        for e in build_view(graph).edges
    ]
    assert len(set(curves)) == len(curves)
    assert all(c is None or 0 < c[1] <= 1 for c in curves)


def test_category_colours_are_fixed_and_stable(view: GraphView) -> None:
    assert [c.name for c in view.categories] == [
        "KeyMessage", "Threat", "Remedy", "Instrument", "Stakeholder", "Value", "Tension", "Event",
    ]  # fmt: skip
    looks = {c.name: (c.color, c.shape) for c in view.categories}
    assert looks["Threat"] == category_style("Threat") == ("#c00f17", "triangle")
    assert len({color for color, _ in looks.values()}) == len(looks)
    # A category the palette does not know has a look of its own when alone, and a colour
    # nobody else has when its own is taken: "Zebra" would be the events' colour.
    alone = nx.MultiDiGraph()
    alone.add_node("x", label="x", category="Zebra")
    assert build_view(alone).categories[0].color == category_style("Zebra")[0]
    assert category_style("Zebra")[0] == looks["Event"][0]
    crowded = report_graph()
    crowded.add_node("y", label="y", category="Zebra")
    again = {c.name: (c.color, c.shape) for c in build_view(crowded).categories}
    assert again["Zebra"][0] not in {again[name][0] for name in looks}
    assert again == {c.name: (c.color, c.shape) for c in build_view(crowded).categories}


def test_other_categories_get_distinct_looks() -> None:
    graph = nx.MultiDiGraph()
    names = ["Conference", "Example", "Figure", "Place", "Project", "Report", "Zebra", "Yak"]
    for name in names:
        graph.add_node(name, label=name, category=name)
    for name in ("Threat", "Remedy", "Tension"):
        graph.add_node(name, label=name, category=name)
    colours = [c.color for c in build_view(graph).categories]
    assert len(set(colours)) == len(names) + 3


def test_predicates_are_listed_once_with_counts(view: GraphView) -> None:
    counts = {p.label: p.count for p in view.predicates}
    assert counts == {
        "about": 1, "addresses": 3, "evades": 1, "involves": 2, "mitigates": 1, "threatens": 1,
        "uses": 1,
    }  # fmt: skip
    assert all(p.iri.startswith(ONTOLOGY) for p in view.predicates)


def test_caller_graph_is_not_mutated(graph: nx.MultiDiGraph) -> None:
    before = copy.deepcopy(graph)
    view = build_view(graph, title="Another title")
    view.to_html()
    view.nodes[0]["label"] = "changed"
    view.edges[0]["passages"][0]["quote"] = "changed"
    assert nx.utils.graphs_equal(graph, before)
    assert dict(graph.nodes(data=True)) == dict(before.nodes(data=True))
    assert list(graph.edges(keys=True, data=True)) == list(before.edges(keys=True, data=True))
    assert graph.graph == before.graph


def test_output_is_deterministic() -> None:
    first, second = build_view(report_graph()), build_view(report_graph())
    assert first.to_html() == second.to_html()
    assert [(n["x"], n["y"]) for n in first.nodes] == [(n["x"], n["y"]) for n in second.nodes]
    assert len({(n["x"], n["y"]) for n in first.nodes}) == len(first.nodes)


def test_title_comes_from_argument_or_graph(graph: nx.MultiDiGraph) -> None:
    assert build_view(graph).title == "Cybercrime report"
    assert build_view(graph, title="Mine").title == "Mine"
    assert build_view(nx.MultiDiGraph()).title == "octograph"


def test_empty_graph_renders(tmp_path: Path) -> None:
    view = build_view(nx.MultiDiGraph())
    assert (view.nodes, view.edges, view.physics) == ([], [], False)
    assert view.write(tmp_path / "empty.html").stat().st_size > 0


def test_missing_attributes_fall_back_to_readable_defaults() -> None:
    graph = nx.MultiDiGraph()
    graph.add_edge("https://example.org/e/a", "https://example.org/e/b", key=ONTOLOGY + "cites")
    view = build_view(graph)
    assert [n["label"] for n in view.nodes] == ["a", "b"]
    assert [n["category"] for n in view.nodes] == ["Other", "Other"]
    assert view.edges[0]["label"] == "cites"
    assert view.edges[0]["passages"] == []


# -- the page: self-contained and inert -------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_page_loads_nothing_from_anywhere(view: GraphView) -> None:
    page = view.to_html()
    parser = _Tags()
    parser.feed(page)
    fetching = [
        (tag, attrs)
        for tag, attrs in parser.tags
        if {"src", "href", "srcset", "action", "poster", "data"} & set(attrs)
    ]
    assert fetching == []
    assert [t for t, _ in parser.tags].count("script") == 3  # data, vis-network, the page's own
    csp = next(
        a["content"] for t, a in parser.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    # Web addresses appear only as data (entity IRIs) or in vis-network's licence comments.
    outside_data = page.replace(_json_block(page), "")
    scripts = re.findall(r"<script>(.*?)</script>", outside_data, re.S)
    assert "vis-network" in scripts[0]
    assert not re.search(r"https?://", outside_data.replace(scripts[0], ""))
    assert not re.search(r"url\((?!\"?data:)", outside_data)
    assert "sourceMappingURL" not in page


def test_inline_scripts_and_styles_are_allowed_by_their_exact_hash(view: GraphView) -> None:
    page = view.to_html()
    parser = _Tags()
    parser.feed(page)
    csp = next(
        a["content"] for t, a in parser.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None
    policy = dict(d.split(" ", 1) for d in csp.split("; ") if " " in d)
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert policy["script-src"].split() == [csp_hash(s) for s in scripts]
    assert policy["style-src"].split() == [csp_hash(s) for s in styles]
    # The page's own behaviour and look are the shipped files, inlined as they are.
    static = files("octograph.view") / "static"
    assert scripts[-1] == (static / "view.js").read_text(encoding="utf-8")
    assert styles[-1] == (static / "view.css").read_text(encoding="utf-8")


def test_every_text_is_escaped(graph: nx.MultiDiGraph) -> None:
    page = build_view(graph, title=XSS_TITLE).to_html()
    for hostile in (XSS_LABEL, XSS_DESCRIPTION, XSS_QUOTE, XSS_TITLE, "<img", "<a href"):
        assert hostile not in page
    # The title reads back as the text it was, and holds no tag or quote of its own (which
    # character references spell it is the template engine's business).
    [title] = re.findall(r"<title>(.*?)</title>", page, re.S)
    assert html.unescape(title) == XSS_TITLE
    assert not re.search(r"[<>\"']", title)
    data = _json_block(page)
    assert not re.search(r"[<>&]", data)
    # Only the three real scripts close, whatever the data holds, and nothing can switch the
    # parser into the escaped state where "<script" inside a script would count.
    assert len(re.findall(r"</script", page, re.I)) == 3
    assert "<!--" not in page
    # The escaped JSON still reads back to the same text.
    decoded = json.loads(data)
    assert XSS_LABEL in [n[1] for n in decoded["nodes"]]
    assert XSS_QUOTE in [q for _, q in decoded["passages"]]


def test_jupyter_repr_is_an_iframe_and_writes_nothing(
    view: GraphView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shown = view._repr_html_()
    assert shown.startswith("<iframe srcdoc=")
    assert 'sandbox="allow-scripts"' in shown
    assert "<script" not in shown  # all of the page is inside the escaped attribute
    assert list(tmp_path.iterdir()) == []


def test_no_lib_folder_appears(
    view: GraphView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    view.to_html()
    view._repr_html_()
    view.write("view.html")
    assert not (tmp_path / "lib").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.html"]


# -- writing ----------------------------------------------------------------------------------


def test_write_creates_the_page(view: GraphView, tmp_path: Path) -> None:
    written = view.write(tmp_path / "view.html")
    assert written == tmp_path / "view.html"
    assert written.read_text(encoding="utf-8") == view.to_html()
    assert written.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.html"]


def test_write_to_a_missing_folder_raises_output_error(view: GraphView, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "view.html"
    with pytest.raises(OutputError) as caught:
        view.write(target)
    assert str(caught.value) == f"{target.parent}: folder does not exist"
    assert caught.value.path == str(target.parent)
    assert list(tmp_path.iterdir()) == []


def test_write_over_a_folder_raises_output_error_and_leaves_nothing(
    view: GraphView, tmp_path: Path
) -> None:
    (tmp_path / "view.html").mkdir()
    with pytest.raises(OutputError, match=r"view\.html: Is a directory"):
        view.write(tmp_path / "view.html")
    assert [p.name for p in tmp_path.iterdir()] == ["view.html"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failed_write_keeps_the_old_file(
    view: GraphView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "view.html"
    target.write_text("the previous page", encoding="utf-8")
    target.chmod(0o640)

    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, failing, disk_full)
    with pytest.raises(OutputError) as caught:
        view.write(target)
    assert str(caught.value) == f"{target}: No space left on device"
    assert isinstance(caught.value.__cause__, OSError)
    assert target.read_text(encoding="utf-8") == "the previous page"
    assert [p.name for p in tmp_path.iterdir()] == ["view.html"]  # no temporary file left


def test_rewrite_keeps_the_file_mode(view: GraphView, tmp_path: Path) -> None:
    target = tmp_path / "view.html"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    view.write(target)
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_text(encoding="utf-8") == view.to_html()


def synthetic_graph(nodes: int, edges: int, seed: int = 11) -> nx.MultiDiGraph:
    """A big graph with the report's attributes (see tests/bench/bench_view.py for timings)."""
    rng = random.Random(seed)
    categories = ["Threat", "Remedy", "Instrument", "Stakeholder", "Value", "Event"]
    graph = nx.MultiDiGraph()
    for i in range(nodes):
        graph.add_node(
            f"{ENTITY}{i}", label=f"Entity {i}", category=categories[i % len(categories)],
            description=f"Description of entity {i}.", iri=f"{ENTITY}{i}",
        )  # fmt: skip
    added = 0
    while added < edges:  # graph.number_of_edges() would recount every edge each time
        u, v, p = rng.randrange(nodes), rng.randrange(nodes), rng.randrange(8)
        if graph.has_edge(f"{ENTITY}{u}", f"{ENTITY}{v}", key=f"{ONTOLOGY}p{p}"):
            continue  # edges are keyed by predicate: the same triple would replace one
        added += 1
        graph.add_edge(
            f"{ENTITY}{u}",
            f"{ENTITY}{v}",
            key=f"{ONTOLOGY}p{p}",
            predicate=f"{ONTOLOGY}p{p}",
            label=f"p{p}",
            passages=[
                {"id": f"{PASSAGE}{u}", "number": u, "quote": f"Entity {u} is linked to {v}."}
            ],
        )
    return graph


def test_big_graph_is_drawn_without_physics(tmp_path: Path) -> None:
    # How long it takes is measured by tests/bench/bench_view.py, not here.
    graph = synthetic_graph(10_000, 30_000)
    view = build_view(graph)
    view.write(tmp_path / "big.html")
    assert not view.physics  # too big for the browser to simulate in time
    assert len(view.nodes) == 10_000


# -- in chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    try:
        with launch() as browser:
            yield browser
    except ChromiumMissingError as e:
        pytest.fail(str(e))  # CI installs chromium: a missing browser must not pass quietly


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _open(page: Page, path: Path) -> PageLog:
    log = watch(page)
    page.goto(path.as_uri())
    # A selector, not wait_for_function: polling a string predicate evals it in the page,
    # which the page's Content-Security-Policy forbids (it fails whenever the page is not
    # ready at the first look, as a deflated one may not be).
    page.locator("body[data-ready='1']").wait_for(state="attached", timeout=20_000)
    return log


def _drawn(page: Page) -> dict[str, int]:
    counts: dict[str, int] = page.evaluate("window.octographView.drawn()")
    return counts


_LABELS_AND_ARROWS = """() => {
    const v = window.octographView.network;
    const nodes = Object.values(v.body.nodes);
    return [nodes.filter((n) => n.options.label !== undefined).map((n) => n.id),
            v.body.edges[v.body.edgeIndices[0]].options.arrows.to.enabled];
}"""


@pytest.mark.browser
def test_a_big_graph_gets_labels_and_arrowheads_as_one_zooms_in(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Thresholds lowered so that a small graph counts as big: no labels, no arrowheads at
    # the first zoom, where they would be specks; both come with the zoom.
    monkeypatch.setattr("octograph.view.page.NODE_LABEL_LIMIT", 50)
    monkeypatch.setattr("octograph.view.page.PHYSICS_NODE_LIMIT", 50)
    log = _open(page, build_view(synthetic_graph(400, 800)).write(tmp_path / "big.html"))
    assert page.evaluate("window.octographView.network.getScale()") < 0.35
    assert page.evaluate(_LABELS_AND_ARROWS) == [[], False]
    page.evaluate("window.octographView.focus('Entity 7')")
    labelled, arrows = page.evaluate(_LABELS_AND_ARROWS)
    assert f"{ENTITY}7" in labelled
    assert 0 < len(labelled) < 400  # the nodes in view, not all of them
    assert arrows is True
    assert log.errors == []


@pytest.mark.browser
def test_page_draws_every_node_and_edge_offline(
    page: Page, view: GraphView, graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    # Written in one folder and moved to another: nothing may depend on files around it.
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    moved = tmp_path / "b" / "moved.html"
    os.replace(view.write(tmp_path / "a" / "view.html"), moved)
    log = _open(page, moved)
    assert _drawn(page) == {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    assert page.evaluate("window.octographView.nodes.length") == graph.number_of_nodes()
    assert page.evaluate("window.octographView.edges.length") == graph.number_of_edges()
    # Physics has settled and stopped, so the picture holds still.
    assert page.evaluate("window.octographView.network.physics.physicsEnabled") is False
    assert page.inner_text("h1") == "Cybercrime report"
    legend = page.locator("#og-categories label").all_inner_texts()
    # The legend names each category in words ("Key message", not "KeyMessage").
    assert [line.rsplit(maxsplit=1)[0].strip() for line in legend] == [
        c.title for c in view.categories
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "view.png"))
    assert log.errors == []
    assert log.remote_requests() == []
    assert log.requests == [moved.as_uri()]


@pytest.mark.browser
def test_search_focuses_the_best_match(page: Page, view: GraphView, tmp_path: Path) -> None:
    log = _open(page, view.write(tmp_path / "view.html"))
    # A prefix beats a longer label containing it; case does not matter.
    page.fill("#og-query", "RANSOM")
    page.press("#og-query", "Enter")
    assert page.evaluate("window.octographView.network.getSelectedNodes()") == [
        ENTITY + "ransomware"
    ]
    assert page.inner_text("#og-panel h2") == "Ransomware"
    assert page.evaluate("window.octographView.focus('as-a-SERVICE')") == ENTITY + "raas"
    assert page.evaluate("window.octographView.network.getSelectedNodes()") == [ENTITY + "raas"]
    assert page.evaluate("window.octographView.focus('no such thing')") is None
    assert page.inner_text("#og-search-status") == "No visible node matches."
    assert log.errors == []


@pytest.mark.browser
def test_clicking_an_edge_shows_its_quote(page: Page, view: GraphView, tmp_path: Path) -> None:
    log = _open(page, view.write(tmp_path / "view.html"))
    edge = _edge(view, "police", "uses", "budapest")
    point = page.evaluate("id => window.octographView.edgeCenter(id)", edge["id"])
    box = page.locator("#og-network").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    panel = page.locator("#og-panel")
    assert panel.get_attribute("data-kind") == "edge"
    assert panel.get_attribute("data-id") == edge["id"]
    assert page.inner_text("#og-panel h2") == "uses"
    assert page.locator("#og-panel .og-quote").all_inner_texts() == [
        "\u00b67 \u201cLaw enforcement relies on the Budapest Convention.\u201d"
    ]
    assert page.inner_text("#og-panel .og-sentence") == "Law enforcement uses Budapest Convention"
    assert log.errors == []


@pytest.mark.browser
def test_clicking_a_node_lists_its_links(page: Page, view: GraphView, tmp_path: Path) -> None:
    log = _open(page, view.write(tmp_path / "view.html"))
    point = page.evaluate(
        """id => {
            const v = window.octographView.network;
            return v.canvasToDOM(v.getPositions([id])[id]);
        }""",
        ENTITY + "budapest",
    )
    box = page.locator("#og-network").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert page.inner_text("#og-panel h2") == "Budapest Convention"
    text = page.inner_text("#og-panel")
    assert "Instrument" in text
    assert "The 2001 convention." in text
    # Links grouped by relation and direction, each said as a sentence.
    assert page.locator("#og-panel h3").all_inner_texts() == [
        "addresses (1)", "Stakeholder uses this (1)", "Key message about this (1)",
    ]  # fmt: skip
    assert "Budapest Convention addresses Ransomware" in text
    assert "Law enforcement uses Budapest Convention" in text
    assert "\u00b630 \u201cCooperation needs the treaty.\u201d" in text
    assert "\u00b631 \u201cStates should ratify it.\u201d" in text
    # The other end of a link is a button that moves to that node.
    page.get_by_role("button", name="Law enforcement").click()
    assert page.inner_text("#og-panel h2") == "Law enforcement"
    assert log.errors == []


@pytest.mark.browser
def test_filters_hide_and_show_nodes_and_edges(
    page: Page, view: GraphView, graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    log = _open(page, view.write(tmp_path / "view.html"))
    threats = {n for n, c in graph.nodes(data="category") if c == "Threat"}
    page.uncheck("#og-categories input[value='Threat']")
    assert _drawn(page) == {
        "nodes": graph.number_of_nodes() - len(threats),
        "edges": sum(1 for u, v in graph.edges() if not {u, v} & threats),
    }
    # Search skips hidden nodes.
    assert page.evaluate("window.octographView.focus('ransomware')") is None
    page.check("#og-categories input[value='Threat']")
    # The links are folded away, by the family of the node they start from.
    page.click("#og-links > summary")
    page.click("#og-predicates summary:text('From remedies')")
    page.uncheck(f"#og-predicates input[value='{ONTOLOGY}addresses']")
    assert _drawn(page) == {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges() - 3,
    }
    page.check(f"#og-predicates input[value='{ONTOLOGY}addresses']")
    assert _drawn(page) == {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    assert log.errors == []


@pytest.mark.browser
def test_hostile_text_is_shown_as_text_and_never_runs(
    page: Page, graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    view = build_view(graph, title=XSS_TITLE)
    log = _open(page, view.write(tmp_path / "view.html"))
    assert page.inner_text("h1") == XSS_TITLE
    assert page.title() == XSS_TITLE
    assert page.evaluate("window.octographView.focus('onerror')") == ENTITY + "hostile"
    assert page.inner_text("#og-panel h2") == XSS_LABEL
    assert XSS_DESCRIPTION in page.inner_text("#og-panel")
    assert f"\u00b621 \u201c{XSS_QUOTE}\u201d" in page.inner_text("#og-panel")
    # Clicking every link and button the panel offers runs nothing either.
    for button in page.locator("#og-panel-body button").all():
        button.click()
    page.wait_for_timeout(200)  # time for an injected onerror to have fired
    assert page.locator("#og-panel img, #og-panel a, #og-panel script").count() == 0
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert log.errors == []
    assert log.remote_requests() == []


@pytest.mark.browser
def test_jupyter_iframe_draws_without_files(page: Page, view: GraphView) -> None:
    log = watch(page)
    page.set_content(view._repr_html_())
    frame = page.frames[1]
    frame.locator("body[data-ready='1']").wait_for(state="attached", timeout=20_000)
    counts = frame.evaluate("window.octographView.drawn()")
    assert counts == {"nodes": len(view.nodes), "edges": len(view.edges)}
    assert log.errors == []
    assert log.remote_requests() == []


@pytest.mark.browser
def test_same_graph_gives_the_same_picture(
    chromium: Browser, view: GraphView, tmp_path: Path
) -> None:
    path = view.write(tmp_path / "view.html")
    pictures = []
    for _ in range(2):
        context = chromium.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        _open(page, path)
        pictures.append(page.evaluate("window.octographView.network.getPositions()"))
        context.close()
    assert pictures[0] == pictures[1]
    assert len(pictures[0]) == len(view.nodes)


@pytest.mark.browser
def test_big_graph_draws_without_physics_and_labels_on_zoom(page: Page, tmp_path: Path) -> None:
    graph = synthetic_graph(3_000, 9_000)
    view = build_view(graph)
    log = _open(page, view.write(tmp_path / "big.html"))
    assert _drawn(page) == {"nodes": 3_000, "edges": 9_000}
    assert page.evaluate("window.octographView.network.physics.physicsEnabled") is False
    # Labels are too small to read at first; they come for the nodes zoomed in on.
    label = "window.octographView.nodes.get(id).label"
    assert page.evaluate(f"id => {label}", f"{ENTITY}2999") is None
    assert page.evaluate("window.octographView.focus('Entity 2999')") == f"{ENTITY}2999"
    assert page.evaluate(f"id => {label}", f"{ENTITY}2999") == "Entity 2999"
    assert log.errors == []


@pytest.mark.browser
def test_the_report_view_draws_everything_and_quotes_the_report(page: Page, tmp_path: Path) -> None:
    """The bundled report's own page: the picture in the README comes from this test."""
    from octograph import load

    kg = load()
    graph = kg.to_networkx()
    log = _open(page, build_view(graph, title="Octopus Conference 2019").write(tmp_path / "r.html"))
    assert _drawn(page) == {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    page.evaluate("window.octographView.focus('Lanzarote Convention')")
    panel = page.inner_text("#og-panel")
    assert "Lanzarote Convention" in panel
    assert "¶27" in panel
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.octographView.network.unselectAll()")
    page.evaluate("window.octographView.network.fit()")
    page.screenshot(path=str(ARTIFACTS / "report-view.png"))
    assert log.errors == []
    assert log.remote_requests() == []


# -- settled and legible: what chromium draws at the first zoom --------------------------------

DOCS = Path(__file__).parent.parent / "docs"

# Every label vis-network draws at the current zoom, as (id, left, top, width, height) in
# canvas units: a node's or an edge's label is drawn when its labelModule is visible.
_DRAWN_LABELS = """() => {
    const body = window.octographView.network.body;
    const boxes = [];
    for (const [ids, items] of [[body.nodeIndices, body.nodes], [body.edgeIndices, body.edges]]) {
        for (const id of ids) {
            const label = items[id].labelModule;
            if (label.visible()) {
                boxes.push([String(id), label.size.left, label.size.top, label.size.width,
                            label.size.height]);
            }
        }
    }
    return boxes;
}"""


def _overlapping_labels(page: Page) -> list[tuple[str, str]]:
    boxes = page.evaluate(_DRAWN_LABELS)
    assert boxes, "no label is drawn at all"
    return [
        (a[0], b[0])
        for a, b in itertools.combinations(boxes, 2)
        if min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]) > 0.5
        and min(a[2] + a[4], b[2] + b[4]) - max(a[2], b[2]) > 0.5
    ]


@pytest.fixture(scope="module")
def report_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled report's pages: the full view, each message's, and the maps."""
    from octograph import load

    kg = load()
    folder = tmp_path_factory.mktemp("report")
    pages = {
        "full": build_view(kg.to_networkx(), title="Octopus Conference 2019").write(
            folder / "full.html"
        ),
        "map": build_view(kg.to_networkx(), title="Octopus Conference 2019: message map",
                          mode="map").write(folder / "map.html"),
    }  # fmt: skip
    for n in range(1, 10):
        graph = kg.to_networkx(message=n)
        pages[f"message-{n}"] = build_view(graph, title=f"Key message {n}").write(
            folder / f"m{n}.html"
        )
        pages[f"map-{n}"] = build_view(graph, title=f"Key message {n}", mode="map").write(
            folder / f"map{n}.html"
        )
    for depth in (1, 2):  # the neighbourhoods the issue found crowded
        graph = kg.to_networkx(focus="Budapest Convention", depth=depth)
        pages[f"around-{depth}"] = build_view(graph).write(folder / f"around{depth}.html")
    return pages


@pytest.mark.browser
@pytest.mark.parametrize(
    "name",
    [
        "full",
        "map",
        *(f"message-{n}" for n in range(1, 10)),
        *(f"map-{n}" for n in range(1, 10)),
        "around-1",
        "around-2",
    ],
)
def test_no_two_labels_overlap_at_the_first_zoom(
    page: Page, report_pages: dict[str, Path], name: str
) -> None:
    log = _open(page, report_pages[name])
    assert _overlapping_labels(page) == []
    # Key messages are always labelled, in full (vis fades a label in over its last pixel
    # below the threshold) and big enough to read: at least 11 px on screen.
    messages = page.evaluate(
        r"""() => { const v = window.octographView.network;
            return Object.values(v.body.nodes)
            .filter((n) => /\/message\/\d+$/.test(n.id) && !n.options.hidden)
            .map((n) => [n.labelModule.visible(), n.options.font.size * v.getScale(),
                         n.options.scaling.label.drawThreshold]); }"""
    )
    assert messages
    for visible, pixels, threshold in messages:
        assert visible
        assert pixels >= threshold
        assert pixels >= 11
    # One message's map, and the 17 nodes around the Budapest Convention, fit one screen with
    # every label drawn.
    if name.startswith("map-") or name == "around-1":
        unlabelled = page.evaluate(
            """() => Object.values(window.octographView.network.body.nodes)
                .filter((n) => !n.options.hidden && !n.labelModule.visible()).map((n) => n.id)"""
        )
        assert unlabelled == []
    assert log.errors == []


# Each drawn label's size on screen, in px, by node id.
_LABEL_PIXELS = """() => { const v = window.octographView.network;
    return Object.fromEntries(Object.values(v.body.nodes).filter((n) => n.labelModule.visible())
        .map((n) => [n.id, n.labelModule.fontOptions.size * v.getScale()])); }"""


@pytest.mark.browser
def test_a_crowded_graph_keeps_its_hubs_readable(page: Page, tmp_path: Path) -> None:
    """The five incident taxonomies as SKOS: 368 nodes. With room kept for every label at the
    usual sizes, the picture fitted a screen at zoom 0.09, where no label at all was drawn."""
    from conftest import REPO

    from octograph import load
    from octograph.view.arrange import READABLE

    graph = load([REPO / "data" / "taxonomies"]).to_networkx()
    schemes = [n for n, c in graph.nodes(data="category") if c == "ConceptScheme"]
    assert len(schemes) == 5
    log = _open(page, build_view(graph).write(tmp_path / "taxonomies.html"))
    assert _overlapping_labels(page) == []
    drawn = page.evaluate(_LABEL_PIXELS)
    for scheme in schemes:  # each taxonomy's own node is a hub, labelled and readable
        assert drawn.get(scheme, 0) >= READABLE, scheme
    assert log.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("name", ["full", "map"])
def test_zooming_in_labels_stop_growing_at_the_most_visible_size(
    page: Page, report_pages: dict[str, Path], name: str
) -> None:
    log = _open(page, report_pages[name])
    first = sorted(page.evaluate(_LABEL_PIXELS).values())
    most = page.evaluate("window.octographView.network.body.nodes["
                         "window.octographView.network.body.nodeIndices[0]]"
                         ".options.scaling.label.maxVisible")  # fmt: skip
    box = page.locator("#og-network").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(24):  # as a reader zooms in with the wheel
        page.mouse.wheel(0, -300)
    page.wait_for_timeout(300)
    assert page.evaluate("window.octographView.network.getScale()") > 1.5
    shown = page.evaluate(_LABEL_PIXELS).values()
    assert shown
    assert max(shown) <= most + 0.01
    for _ in range(24):  # and back out: every label at its own size again
        page.mouse.wheel(0, 300)
    page.evaluate("window.octographView.place(document.body.dataset.mode)")
    assert sorted(page.evaluate(_LABEL_PIXELS).values()) == pytest.approx(first)
    assert log.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("name", ["full", "map", "message-2"])
def test_the_page_opens_at_rest(page: Page, report_pages: dict[str, Path], name: str) -> None:
    _open(page, report_pages[name])
    look = "(() => { const v = window.octographView.network; " \
        "return [v.getPositions(), v.getScale(), v.getViewPosition()]; })()"  # fmt: skip
    first = page.evaluate(look)
    page.wait_for_timeout(2_000)
    assert page.evaluate(look) == first
    assert page.evaluate("window.octographView.network.physics.physicsEnabled") is False


@pytest.mark.browser
def test_the_map_toggle_switches_pictures_and_keeps_quotes(
    page: Page, report_pages: dict[str, Path]
) -> None:
    log = _open(page, report_pages["message-2"])
    before = _drawn(page)
    assert page.get_attribute("#og-map", "aria-pressed") == "false"
    page.click("#og-map")
    assert page.get_attribute("body", "data-mode") == "map"
    # A toggle keeps its name; pressed, it says the map is what is shown.
    assert page.inner_text("#og-map") == "Message map"
    assert page.get_attribute("#og-map", "aria-pressed") == "true"
    on_map = _drawn(page)
    assert 0 < on_map["nodes"] < before["nodes"]  # values and tensions are not on the map
    assert _overlapping_labels(page) == []
    # Every edge on the map still opens its quote.
    edge = page.evaluate("window.octographView.network.body.edgeIndices[0]")
    point = page.evaluate("id => window.octographView.edgeCenter(id)", edge)
    box = page.locator("#og-network").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert page.get_attribute("#og-panel", "data-kind") == "edge"
    assert page.locator("#og-panel .og-quote").count() >= 1
    page.click("#og-map")
    assert _drawn(page) == before
    assert page.get_attribute("#og-map", "aria-pressed") == "false"
    assert log.errors == []


@pytest.mark.browser
def test_selecting_a_node_dims_the_rest_and_speaks_english(
    page: Page, report_pages: dict[str, Path]
) -> None:
    log = _open(page, report_pages["message-2"])
    chosen = page.evaluate("window.octographView.focus('Key message 2')")
    assert chosen is not None
    opacity = page.evaluate(
        """() => Object.fromEntries(window.octographView.nodes.get()
            .map((n) => [n.id, n.opacity === undefined ? 1 : n.opacity]))"""
    )
    assert opacity[chosen] == 1
    assert 0 < sum(1 for o in opacity.values() if o < 1) < len(opacity)
    # The labels are drawn as pale as their nodes (vis-network's opacity leaves them be).
    label_colour = page.evaluate(
        """() => Object.fromEntries(Object.values(window.octographView.network.body.nodes)
            .map((n) => [n.id, n.labelModule.fontOptions.color]))"""
    )
    for node, colour in label_colour.items():
        assert colour.startswith("rgba(") == (opacity[node] < 1), (node, colour)
    page.evaluate("window.octographView.highlight(null)")
    assert not any(
        c.startswith("rgba(")
        for c in page.evaluate(
            """() => Object.values(window.octographView.network.body.nodes)
                .map((n) => n.labelModule.fontOptions.color)"""
        )
    )
    text = page.inner_text("#og-panel")
    assert "identifies the threat (3)" in text
    assert "Key message 2: interference with elections and disinformation identifies the " \
        "threat interference with elections" in text  # fmt: skip
    assert log.errors == []


@pytest.mark.browser
def test_hedged_and_required_links_are_dashed_and_thick(page: Page, tmp_path: Path) -> None:
    from test_view_look import _hedged_graph

    log = _open(page, build_view(_hedged_graph()).write(tmp_path / "hedged.html"))
    drawn = page.evaluate(
        """() => Object.values(window.octographView.network.body.edges).map((e) => [
            window.octographView.edges.get(e.id).id, e.options.dashes, e.options.width])"""
    )
    looks = {
        e["label"]: (bool(d), w)
        for (i, d, w), e in zip(drawn, build_view(_hedged_graph()).edges, strict=True)
    }
    assert looks["identifiesThreat"] == (False, 1)
    assert looks["addresses"][0] is True
    assert looks["uses"][1] >= 3
    legend = page.locator("#og-modalities .og-line-key").evaluate_all(
        "rows => rows.map((r) => r.dataset.modality)"
    )
    assert legend == ["states", "may", "likely", "should", "must"]
    assert log.errors == []


@pytest.mark.browser
def test_screenshots_for_the_readme(chromium: Browser, report_pages: dict[str, Path]) -> None:
    """The pictures in the README's "The graph view" come from here, not from a hand."""
    DOCS.mkdir(exist_ok=True)
    for name, shot in [("full", "report-view.png"), ("message-2", "message-view.png"),
                       ("map", "message-map.png"), ("map-2", "message-map-2.png")]:  # fmt: skip
        context = chromium.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        _open(page, report_pages[name])
        page.screenshot(path=str(DOCS / shot))
        context.close()


@pytest.mark.browser
def test_a_deflated_page_draws_everything(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("octograph.view.pack.PACK_BYTES", 1_000)
    # and in three parts compressed side by side, which the browser inflates as one stream
    monkeypatch.setattr("octograph.view.pack.PART_BYTES", 1_000)
    monkeypatch.setattr("octograph.view.pack.MOST_PARTS", 3)
    view = build_view(report_graph())
    html_text = view.to_html()
    assert '"packed"' in html_text
    path = tmp_path / "packed.html"
    path.write_text(html_text, encoding="utf-8")
    log = _open(page, path)
    assert _drawn(page) == {"nodes": len(view.nodes), "edges": len(view.edges)}
    assert page.evaluate("window.octographView.focus('Offline backups')") == ENTITY + "backups"
    assert log.errors == []
    assert log.remote_requests() == []


@pytest.mark.browser
def test_the_map_greys_out_the_categories_it_does_not_draw(
    page: Page, report_pages: dict[str, Path]
) -> None:
    _open(page, report_pages["map-2"])
    absent = page.locator("#og-categories label.og-absent input").evaluate_all(
        "inputs => inputs.map((i) => i.value)"
    )
    assert absent == ["Value", "Tension"]
    page.click("#og-map")
    assert page.locator("#og-categories label.og-absent").count() == 0
