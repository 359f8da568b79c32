"""Turn the networkx graph of a report into one self-contained, interactive HTML page."""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NotRequired, TypedDict

import networkx as nx

from octograph.errors import OctographError
from octograph.output import write_atomic

__all__ = [
    "Category",
    "GraphView",
    "Predicate",
    "Quote",
    "VisEdge",
    "VisNode",
    "build_view",
    "category_color",
]

# Colours of the report's own categories stay fixed, so the same category looks the same in
# every picture whatever else the graph holds. Tableau-10, which stays readable on white.
_CATEGORY_COLORS: dict[str, str] = {
    "Threat": "#d62728",
    "Remedy": "#2ca02c",
    "Instrument": "#1f77b4",
    "Stakeholder": "#ff7f0e",
    "Value": "#9467bd",
    "Event": "#8c564b",
    "Tension": "#e377c2",
    "KeyMessage": "#bcbd22",
    "Passage": "#7f7f7f",
    "Country": "#17becf",
}
# Other categories take one of these, chosen by a hash of the name (not Python's hash(),
# which is salted per process), so a category keeps its colour from one graph to the next;
# dark or saturated hues that the ten above do not use.
_EXTRA_COLORS = (
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#e7ba52",
    "#6b6ecf",
    "#1b9e77",
    "#525252",
    "#a6d854",
    "#0b6e69",
    "#b15928",
)
_DEFAULT_CATEGORY = "Other"

# Past this many nodes the browser cannot run the force simulation within the time budget
# (10,000 nodes drawn in 5 s), so positions come only from the cheap layout below.
PHYSICS_NODE_LIMIT = 1000
# Measuring 30,000 labels takes chromium seconds, and at the zoom that shows them all they
# are too small to read: past these sizes edge labels are left to the side panel, and node
# labels are drawn only once the reader zooms in on them.
EDGE_LABEL_LIMIT = 3000
NODE_LABEL_LIMIT = 2000
_STABILIZATION_ITERATIONS = 100
_RANDOM_SEED = 42
_NODE_SPACING = 36.0  # pixels between neighbouring nodes in a category cluster
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))

# pyvis is the project's chosen vis.js dependency, but only its bundled vis-network build is
# used. Its Network.add_node loop is quadratic (a membership test on a list per node), its
# template pulls Bootstrap from a CDN even in "in_line" mode, switches to innerHTML for titles
# containing "href", leaves the heading unescaped, and write_html copies a lib/ folder into
# the working directory. So the node and edge data are built here and the page is written
# below. find_spec locates the package without importing it, which would import IPython.
_VIS_VERSION = "vis-9.1.2"
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


class VisNode(TypedDict):
    """A node of the view: what vis-network draws and what the side panel shows."""

    id: str
    label: str
    group: str
    category: str
    color: str
    size: float
    degree: int
    x: float
    y: float
    description: str
    iri: str


class Quote(TypedDict):
    """A passage that states an edge."""

    id: str
    number: int | None
    quote: str


# The functional form because "from", the key vis-network reads, is a Python keyword.
VisEdge = TypedDict(
    "VisEdge",
    {
        "id": str,
        "from": str,
        "to": str,
        "label": str,
        "predicate": str,
        "passages": list[Quote],
        "smooth": NotRequired[dict[str, Any]],  # only on parallel edges
    },
)
VisEdge.__doc__ = "An edge of the view: what vis-network draws and the passages stating it."


@dataclass(frozen=True)
class Category:
    """A node category, its colour in the picture and how many nodes it has."""

    name: str
    color: str
    count: int


@dataclass(frozen=True)
class Predicate:
    """An edge predicate, its label and how many edges use it."""

    iri: str
    label: str
    count: int


@dataclass(frozen=True, eq=False)
class GraphView:
    """What the page will draw: tests read these lists, `to_html` and `write` render them."""

    title: str
    nodes: list[VisNode]
    edges: list[VisEdge]
    categories: list[Category]
    predicates: list[Predicate]
    physics: bool

    def to_html(self) -> str:
        """Render the page: one HTML document with vis-network and the data inlined."""
        css, js = _vis_assets()
        data = self._page_data()
        scripts = (js, _APP_JS)
        styles = (css, _PAGE_CSS)
        # Only the page's own scripts and styles may run (by hash), and nothing may be fetched:
        # even if some text escaped the escaping below, an injected handler would not execute.
        csp = "; ".join(
            [
                "default-src 'none'",
                "script-src " + " ".join(_csp_hash(s) for s in scripts),
                "style-src " + " ".join(_csp_hash(s) for s in styles),
                "img-src data:",
                "base-uri 'none'",
                "form-action 'none'",
            ]
        )
        title = html.escape(self.title)
        return "".join(
            [
                '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
                f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">\n',
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
                f"<title>{title}</title>\n",
                f"<style>{css}</style>\n<style>{_PAGE_CSS}</style>\n</head>\n<body>\n",
                _BODY.replace("{title}", title),
                f'<script type="application/json" id="og-data">{_script_json(data)}</script>\n',
                f"<script>{js}</script>\n<script>{_APP_JS}</script>\n</body>\n</html>\n",
            ]
        )

    def _page_data(self) -> dict[str, Any]:
        """The data the page reads, as tables: edges name their ends, predicate, label and
        passages by position, which halves a big graph's page and the browser's parse time."""
        node_index = {n["id"]: i for i, n in enumerate(self.nodes)}
        category_index = {c.name: i for i, c in enumerate(self.categories)}
        predicate_index = {p.iri: i for i, p in enumerate(self.predicates)}
        labels: dict[str, int] = {}
        passages: dict[tuple[int | None, str], int] = {}  # a sentence often states several links
        edges = [
            [
                node_index[e["from"]],
                node_index[e["to"]],
                predicate_index[e["predicate"]],
                labels.setdefault(e["label"], len(labels)),
                [
                    passages.setdefault((q["number"], q["quote"]), len(passages))
                    for q in e["passages"]
                ],
                e.get("smooth", 0),
            ]
            for e in self.edges
        ]
        nodes = [
            [
                n["id"],
                n["label"],
                category_index[n["category"]],
                n["size"],
                n["degree"],
                n["x"],
                n["y"],
                n["description"],
                "" if n["iri"] == n["id"] else n["iri"],
            ]
            for n in self.nodes
        ]
        return {
            "title": self.title,
            "physics": self.physics,
            "edgeLabels": len(self.edges) <= EDGE_LABEL_LIMIT,
            "lazyNodeLabels": len(self.nodes) > NODE_LABEL_LIMIT,
            "options": _vis_options(self.physics, len(self.nodes)),
            "categories": [vars(c) for c in self.categories],
            "predicates": [vars(p) for p in self.predicates],
            "labels": list(labels),
            "passages": [list(p) for p in passages],
            "nodes": nodes,
            "edges": edges,
        }

    def _repr_html_(self) -> str:
        """Show the page inline in Jupyter, in a sandboxed iframe, without writing a file."""
        return (
            f'<iframe srcdoc="{html.escape(self.to_html(), quote=True)}" '
            f'title="{html.escape(self.title, quote=True)}" sandbox="allow-scripts" '
            'style="width: 100%; height: 640px; border: 1px solid #ddd;"></iframe>'
        )

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to `path` atomically: the old file stays whole if anything fails.

        Raises:
            OutputError: the folder is missing or the file cannot be written; one line,
                ``path: reason``, as the other writers of octograph say it.
        """
        target = Path(path)
        write_atomic(target, self.to_html().encode("utf-8"))
        return target


def build_view(
    graph: nx.MultiDiGraph, *, title: str | None = None, physics: bool | None = None
) -> GraphView:
    """Prepare a report's graph for drawing: colours, sizes, positions, filters.

    Pure: reads `graph` (see octograph.network for its attributes) and never changes it.

    Args:
        graph: nodes keyed by IRI, edges keyed by predicate IRI.
        title: page heading; defaults to the graph's ``title`` attribute.
        physics: let the browser refine the layout with a short force simulation;
            by default only for graphs of at most PHYSICS_NODE_LIMIT nodes.

    >>> g = nx.MultiDiGraph(title="Demo")
    >>> g.add_node("urn:a", label="Ransomware", category="Threat")
    >>> g.add_node("urn:b", label="Backups", category="Remedy")
    >>> _ = g.add_edge("urn:b", "urn:a", key="urn:addresses", label="addresses",
    ...                passages=[{"id": "urn:p1", "number": 1, "quote": "Backups help."}])
    >>> view = build_view(g)
    >>> [n["label"] for n in view.nodes], [e["label"] for e in view.edges]
    (['Ransomware', 'Backups'], ['addresses'])
    >>> [(c.name, c.color) for c in view.categories]
    [('Threat', '#d62728'), ('Remedy', '#2ca02c')]
    """
    node_ids = [str(n) for n in graph.nodes]
    attrs: dict[str, Mapping[str, Any]] = {str(n): a for n, a in graph.nodes(data=True)}
    degree = {str(n): int(d) for n, d in graph.degree()}
    max_degree = max(degree.values(), default=0)
    category = {n: str(attrs[n].get("category") or _DEFAULT_CATEGORY) for n in node_ids}
    categories = _categories(Counter(category.values()))
    color = {c.name: c.color for c in categories}
    positions = _layout(node_ids, category, degree, [c.name for c in categories])

    nodes: list[VisNode] = []
    for n in node_ids:
        a = attrs[n]
        x, y = positions[n]
        nodes.append(
            {
                "id": n,
                "label": str(a.get("label") or _local_name(n)),
                "group": category[n],
                "category": category[n],
                "color": color[category[n]],
                "size": _node_size(degree[n], max_degree),
                "degree": degree[n],
                "x": x,
                "y": y,
                "description": str(a.get("description") or ""),
                "iri": str(a.get("iri") or n),
            }
        )

    edges: list[VisEdge] = []
    predicate_labels: dict[str, str] = {}
    predicate_counts: Counter[str] = Counter()
    seen_in_pair: Counter[tuple[str, str]] = Counter()
    for u, v, key, a in graph.edges(keys=True, data=True):
        source, target = str(u), str(v)
        predicate = str(a.get("predicate") or key)
        label = str(a.get("label") or _local_name(predicate))
        predicate_labels.setdefault(predicate, label)
        predicate_counts[predicate] += 1
        edge: VisEdge = {
            "id": f"e{len(edges)}",
            "from": source,
            "to": target,
            "label": label,
            "predicate": predicate,
            "passages": _quotes(a.get("passages") or ()),
        }
        index = seen_in_pair[source, target]
        seen_in_pair[source, target] += 1
        smooth = _smooth(
            index, graph.number_of_edges(u, v), source != target and graph.has_edge(v, u)
        )
        if smooth is not None:
            edge["smooth"] = smooth
        edges.append(edge)

    predicates = [
        Predicate(iri=p, label=predicate_labels[p], count=predicate_counts[p])
        for p in sorted(predicate_labels, key=lambda p: (predicate_labels[p].lower(), p))
    ]
    heading = title if title is not None else str(graph.graph.get("title") or "octograph")
    return GraphView(
        title=heading,
        nodes=nodes,
        edges=edges,
        categories=categories,
        predicates=predicates,
        physics=len(nodes) > 1
        and (physics if physics is not None else len(nodes) <= PHYSICS_NODE_LIMIT),
    )


def category_color(name: str) -> str:
    """The colour a category gets unless another category in the same graph has it already.

    >>> category_color("Threat"), category_color("Zebra") == category_color("Zebra")
    ('#d62728', True)
    """
    return _CATEGORY_COLORS.get(name) or _EXTRA_COLORS[_extra_slot(name)]


def _extra_slot(name: str) -> int:
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % len(_EXTRA_COLORS)


def _categories(counts: Mapping[str, int]) -> list[Category]:
    """The report's categories in their usual order, then any others alphabetically.

    Two other categories whose names hash to the same colour would look alike in the legend,
    so the later one (alphabetically) takes the next free colour instead.
    """
    known = list(_CATEGORY_COLORS)
    order = sorted(counts, key=lambda c: (known.index(c) if c in known else len(known), c))
    taken: set[int] = set()
    colors: dict[str, str] = {}
    for c in order:
        if c in _CATEGORY_COLORS:
            colors[c] = _CATEGORY_COLORS[c]
            continue
        slot = _extra_slot(c)
        for step in range(len(_EXTRA_COLORS)):
            if (slot + step) % len(_EXTRA_COLORS) not in taken:
                slot = (slot + step) % len(_EXTRA_COLORS)
                break
        taken.add(slot)  # with more categories than colours, some must share
        colors[c] = _EXTRA_COLORS[slot]
    return [Category(name=c, color=colors[c], count=counts[c]) for c in order]


def _local_name(iri: str) -> str:
    """The last segment of an IRI, a readable fallback label."""
    return re.split(r"[#/:]", iri.rstrip("#/"))[-1] or iri


def _node_size(degree: int, max_degree: int) -> float:
    """Radius in pixels; square root so that hubs stand out without swallowing the rest."""
    if max_degree == 0:
        return 10.0
    return round(10.0 + 25.0 * math.sqrt(degree / max_degree), 1)


def _quotes(passages: Iterable[Mapping[str, Any]]) -> list[Quote]:
    """The passages stating an edge, in the shape the side panel reads."""
    quotes: list[Quote] = []
    for p in passages:
        number = p.get("number")
        quotes.append(
            {
                "id": str(p.get("id") or ""),
                "number": int(number) if number is not None else None,
                "quote": str(p.get("quote") or ""),
            }
        )
    return quotes


def _smooth(index: int, in_pair: int, reverse: bool) -> dict[str, Any] | None:
    """How to bend the `index`-th edge from u to v so that parallel edges stay apart.

    A lone edge stays straight (the cheapest to draw). When v -> u also exists, every edge
    bends clockwise, which puts the two directions on opposite sides. Otherwise the first
    edge stays straight and the others alternate sides, further out each time.
    """
    step = 0.15 if in_pair <= 6 else 0.9 / math.ceil(in_pair / 2)
    if reverse:
        return {"enabled": True, "type": "curvedCW", "roundness": round(step * (index + 1), 3)}
    if index == 0:
        return None
    side = "curvedCW" if index % 2 else "curvedCCW"
    return {"enabled": True, "type": side, "roundness": round(step * ((index + 1) // 2), 3)}


def _layout(
    nodes: list[str],
    category: Mapping[str, str],
    degree: Mapping[str, int],
    order: list[str],
) -> dict[str, tuple[float, float]]:
    """Deterministic positions in linear time: one cluster per category, on a ring.

    Within a cluster nodes lie on a sunflower spiral, most connected first (in the middle).
    networkx's spring_layout would take minutes on 10,000 nodes; this takes milliseconds and
    gives the browser's short simulation, when there is one, a tidy start.
    """
    members: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        members[category[n]].append(n)
    radius = {c: _NODE_SPACING * math.sqrt(len(members[c])) for c in order}
    gap = 2 * _NODE_SPACING
    circumference = sum(2 * radius[c] + gap for c in order)
    ring = circumference / (2 * math.pi) if len(order) > 1 else 0.0
    positions: dict[str, tuple[float, float]] = {}
    travelled = 0.0
    for c in order:
        travelled += radius[c] + gap / 2
        angle = 2 * math.pi * travelled / circumference if circumference else 0.0
        travelled += radius[c] + gap / 2
        cx, cy = ring * math.cos(angle), ring * math.sin(angle)
        ranked = sorted(members[c], key=lambda n: -degree[n])  # stable: ties keep graph order
        for k, n in enumerate(ranked):
            r = _NODE_SPACING * math.sqrt(k + 0.5)
            theta = k * _GOLDEN_ANGLE
            positions[n] = (round(cx + r * math.cos(theta), 1), round(cy + r * math.sin(theta), 1))
    return positions


def _vis_options(physics: bool, node_count: int) -> dict[str, Any]:
    """vis-network options; big graphs trade hover and edges-while-dragging for speed."""
    big = node_count > PHYSICS_NODE_LIMIT
    return {
        "autoResize": True,
        "layout": {"randomSeed": _RANDOM_SEED, "improvedLayout": False},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -80,
                "springLength": 110,
                "avoidOverlap": 0.3,
            },
            "stabilization": {
                "enabled": True,
                "iterations": _STABILIZATION_ITERATIONS,
                "updateInterval": 50,
                "fit": True,
            },
        }
        if physics
        else {"enabled": False},
        "nodes": {
            "shape": "dot",
            "borderWidth": 0 if big else 1,  # stroking 10,000 borders costs a quarter second
            "font": {"size": 14, "color": "#222222"},
            # Wrapping long labels measures every word: a second of the budget at 10,000 nodes.
            **({} if big else {"widthConstraint": {"maximum": 180}}),
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "color": {"color": "#9aa0a6", "highlight": "#333333", "hover": "#333333"},
            "font": {"size": 11, "color": "#444444", "strokeWidth": 3, "align": "middle"},
            "smooth": False,
            "width": 1,
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": not big,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "keyboard": False,
            "multiselect": False,
        },
    }


def _vis_assets() -> tuple[str, str]:
    """The CSS and JavaScript of the vis-network build that ships inside pyvis."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise OctographError("cannot build the graph page: the pyvis package is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / _VIS_VERSION
    try:
        css = (folder / "vis-network.css").read_text(encoding="utf-8")
        js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    except OSError as e:
        raise OctographError(
            f"cannot build the graph page: pyvis has no {_VIS_VERSION} ({e.strerror})",
            path=str(folder),
        ) from e
    # The source map is not shipped; the comment would only make devtools ask for it.
    return css, _SOURCE_MAP.sub("", js)


def _script_json(data: object) -> str:
    """JSON that is safe inside a <script> element: no tag, comment or entity can start.

    >>> _script_json({"label": "</script><b>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp_hash(source: str) -> str:
    """The Content-Security-Policy source expression allowing exactly this inline text."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


_BODY = """\
<header>
  <h1 id="og-title">{title}</h1>
  <form id="og-search" role="search" autocomplete="off">
    <input id="og-query" type="search" placeholder="Find a node by label"
           aria-label="Find a node by label">
    <button type="submit">Find</button>
    <span id="og-search-status" role="status"></span>
  </form>
</header>
<main>
  <nav id="og-filters" aria-label="Filters">
    <fieldset id="og-categories"><legend>Categories</legend></fieldset>
    <fieldset id="og-predicates"><legend>Links</legend></fieldset>
  </nav>
  <div id="og-network" role="img" aria-label="Graph"></div>
  <aside id="og-panel" hidden>
    <button type="button" id="og-panel-close" aria-label="Close">&times;</button>
    <div id="og-panel-body"></div>
  </aside>
</main>
"""

_PAGE_CSS = """
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
header { display: flex; align-items: center; gap: 1em; padding: 0.4em 1em;
  border-bottom: 1px solid #ddd; flex-wrap: wrap; }
header h1 { font-size: 1.2em; margin: 0; }
#og-search { display: flex; gap: 0.4em; align-items: center; }
#og-query { width: 18em; padding: 0.2em 0.4em; }
#og-search-status { color: #666; }
main { flex: 1; display: flex; min-height: 0; }
#og-filters { width: 13em; overflow: auto; padding: 0.5em; border-right: 1px solid #ddd; }
#og-filters fieldset { border: 0; padding: 0; margin: 0 0 1em 0; }
#og-filters legend { font-weight: 600; margin-bottom: 0.3em; }
#og-filters label { display: flex; align-items: center; gap: 0.4em; cursor: pointer; }
.og-swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%;
  flex: none; }
.og-count { color: #777; margin-left: auto; }
#og-network { flex: 1; min-width: 0; position: relative; }
#og-panel { width: 24em; overflow: auto; padding: 0.5em 1em; border-left: 1px solid #ddd;
  position: relative; }
#og-panel[hidden] { display: none; }
#og-panel-close { position: absolute; right: 0.5em; top: 0.5em; border: 0;
  background: none; font-size: 1.4em; cursor: pointer; }
#og-panel h2 { font-size: 1.1em; margin: 0.3em 1.5em 0.3em 0; overflow-wrap: anywhere; }
#og-panel h3 { font-size: 1em; margin: 1em 0 0.3em 0; }
#og-panel ul { padding-left: 1.1em; margin: 0.2em 0; }
#og-panel li { margin: 0.2em 0; overflow-wrap: anywhere; }
.og-category { display: flex; align-items: center; gap: 0.4em; color: #555; }
.og-iri { color: #777; font-size: 0.85em; overflow-wrap: anywhere; }
.og-quote { color: #333; font-style: italic; list-style: none; }
.og-link { border: 0; background: none; padding: 0; color: #1a5fb4; cursor: pointer;
  text-decoration: underline; font: inherit; text-align: left; }
"""

# The page's behaviour. Every text from the data reaches the DOM through textContent or an
# attribute property, never innerHTML, so labels and quotes are always shown as text.
_APP_JS = """
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("og-data").textContent);
  // Unpack the tables written by GraphView._page_data; edge ids are "e" + position, as there.
  const passages = data.passages.map(([number, quote]) => ({ number, quote }));
  data.nodes = data.nodes.map(([id, label, c, size, degree, x, y, description, iri]) => ({
    id, label, category: data.categories[c].name, color: data.categories[c].color, size,
    degree, x, y, description, iri: iri || id,
  }));
  data.edges = data.edges.map(([from, to, p, label, quotes, smooth], i) => ({
    id: "e" + i, from: data.nodes[from].id, to: data.nodes[to].id,
    predicate: data.predicates[p].iri, label: data.labels[label],
    passages: quotes.map((k) => passages[k]), smooth,
  }));
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(data.edges.map((e) => [e.id, e]));
  const outgoing = new Map(data.nodes.map((n) => [n.id, []]));
  const incoming = new Map(data.nodes.map((n) => [n.id, []]));
  for (const e of data.edges) {
    outgoing.get(e.from).push(e);
    incoming.get(e.to).push(e);
  }
  // vis-network deep-copies and measures everything it is given, so it gets only what it
  // draws; the panel reads the rest from the data. On big graphs, labels cost seconds to
  // measure and are too small to read: node labels come when zoomed in, edge labels only in
  // the side panel.
  const nodes = new vis.DataSet(data.nodes.map((n) => {
    const item = { id: n.id, color: n.color, size: n.size, x: n.x, y: n.y };
    if (!data.lazyNodeLabels) item.label = n.label;
    return item;
  }));
  const edges = new vis.DataSet(data.edges.map((e) => {
    const item = { id: e.id, from: e.from, to: e.to };
    if (data.edgeLabels) item.label = e.label;
    if (e.smooth) item.smooth = e.smooth;
    return item;
  }));
  const container = document.getElementById("og-network");
  const network = new vis.Network(container, {}, data.options);

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // -- side panel -------------------------------------------------------------------------
  const panel = document.getElementById("og-panel");
  const panelBody = document.getElementById("og-panel-body");
  document.getElementById("og-panel-close").addEventListener("click", hidePanel);

  function hidePanel() {
    panel.hidden = true;
    panelBody.replaceChildren();
  }

  function nodeButton(id) {
    const button = el("button", byId.get(id).label, "og-link");
    button.type = "button";
    button.addEventListener("click", () => selectNode(id));
    return button;
  }

  function quoteList(passages) {
    const list = el("ul", undefined, "og-quotes");
    for (const p of passages) {
      const mark = p.number === null ? "" : "\\u00b6" + p.number + " ";
      list.append(el("li", mark + "\\u201c" + p.quote + "\\u201d", "og-quote"));
    }
    return list;
  }

  function categoryLine(node) {
    const line = el("p", undefined, "og-category");
    const swatch = el("span", undefined, "og-swatch");
    swatch.style.backgroundColor = node.color;
    line.append(swatch, el("span", node.category));
    return line;
  }

  function linkSection(title, list, otherEnd, arrow) {
    if (list.length === 0) return [];
    const items = el("ul", undefined, "og-links");
    for (const e of list) {
      const item = el("li");
      item.dataset.edge = e.id;
      if (arrow === "out") item.append(el("span", e.label + " \\u2192 "), nodeButton(otherEnd(e)));
      else item.append(nodeButton(otherEnd(e)), el("span", " \\u2192 " + e.label));
      if (e.passages.length) item.append(quoteList(e.passages));
      items.append(item);
    }
    return [el("h3", title + " (" + list.length + ")"), items];
  }

  function showNode(id) {
    const node = byId.get(id);
    panelBody.replaceChildren(
      el("h2", node.label),
      categoryLine(node),
      ...(node.description ? [el("p", node.description, "og-description")] : []),
      el("p", node.iri, "og-iri"),
      ...linkSection("Outgoing", outgoing.get(id), (e) => e.to, "out"),
      ...linkSection("Incoming", incoming.get(id), (e) => e.from, "in"),
    );
    panel.dataset.kind = "node";
    panel.dataset.id = id;
    panel.hidden = false;
  }

  function showEdge(id) {
    const edge = edgeById.get(id);
    const ends = el("p", undefined, "og-ends");
    ends.append(nodeButton(edge.from), el("span", " \\u2192 " + edge.label + " \\u2192 "),
      nodeButton(edge.to));
    panelBody.replaceChildren(
      el("h2", edge.label),
      ends,
      el("p", edge.predicate, "og-iri"),
      el("h3", edge.passages.length ? "Stated in" : "No passage states this link"),
      quoteList(edge.passages),
    );
    panel.dataset.kind = "edge";
    panel.dataset.id = id;
    panel.hidden = false;
  }

  function selectNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    labelNodesInView();
    showNode(id);
  }

  // -- labels of big graphs, once zoomed in far enough to read them ---------------------
  const labelled = new Set();
  function labelNodesInView() {
    if (!data.lazyNodeLabels || network.getScale() < 0.35) return;
    const topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    const bottomRight = network.DOMtoCanvas({
      x: container.clientWidth, y: container.clientHeight,
    });
    const positions = network.getPositions();
    const changes = [];
    for (const n of data.nodes) {
      const p = positions[n.id];
      if (labelled.has(n.id) || p.x < topLeft.x || p.x > bottomRight.x ||
          p.y < topLeft.y || p.y > bottomRight.y) continue;
      labelled.add(n.id);
      changes.push({ id: n.id, label: n.label });
    }
    if (changes.length) nodes.update(changes);
  }
  let labelTimer = null;
  function labelSoon() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(labelNodesInView, 150);
  }
  if (data.lazyNodeLabels) {
    network.on("zoom", labelSoon);
    network.on("dragEnd", labelSoon);
  }

  network.on("click", (params) => {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
    else hidePanel();
  });

  // -- filters ----------------------------------------------------------------------------
  const categoryOn = new Map(data.categories.map((c) => [c.name, true]));
  const predicateOn = new Map(data.predicates.map((p) => [p.iri, true]));
  const nodeHidden = new Map(data.nodes.map((n) => [n.id, false]));
  const edgeHidden = new Map(data.edges.map((e) => [e.id, false]));

  function applyFilters() {
    const nodeChanges = [];
    for (const n of data.nodes) {
      const hidden = !categoryOn.get(n.category);
      if (hidden !== nodeHidden.get(n.id)) {
        nodeHidden.set(n.id, hidden);
        nodeChanges.push({ id: n.id, hidden: hidden });
      }
    }
    const edgeChanges = [];
    for (const e of data.edges) {
      const hidden = !predicateOn.get(e.predicate) || nodeHidden.get(e.from) ||
        nodeHidden.get(e.to);
      if (hidden !== edgeHidden.get(e.id)) {
        edgeHidden.set(e.id, hidden);
        edgeChanges.push({ id: e.id, hidden: hidden });
      }
    }
    nodes.update(nodeChanges);
    edges.update(edgeChanges);
    if (panel.dataset.kind === "node" && nodeHidden.get(panel.dataset.id)) hidePanel();
    if (panel.dataset.kind === "edge" && edgeHidden.get(panel.dataset.id)) hidePanel();
  }

  function checkbox(fieldset, key, text, count, state, color, tooltip) {
    const label = el("label");
    const input = el("input");
    input.type = "checkbox";
    input.checked = true;
    input.value = key;
    input.addEventListener("change", () => {
      state.set(key, input.checked);
      applyFilters();
    });
    label.append(input);
    if (color) {
      const swatch = el("span", undefined, "og-swatch");
      swatch.style.backgroundColor = color;
      label.append(swatch);
    }
    label.append(el("span", text), el("span", String(count), "og-count"));
    if (tooltip) label.title = tooltip;
    fieldset.append(label);
  }

  const categoryBox = document.getElementById("og-categories");
  for (const c of data.categories) {
    checkbox(categoryBox, c.name, c.name, c.count, categoryOn, c.color, "");
  }
  const predicateBox = document.getElementById("og-predicates");
  for (const p of data.predicates) {
    checkbox(predicateBox, p.iri, p.label, p.count, predicateOn, "", p.iri);
  }

  // -- search -----------------------------------------------------------------------------
  // Best match: an exact label, then one starting with the query, then one containing it;
  // among those the shortest label, then the most connected node, then graph order.
  function bestMatch(query) {
    const q = query.trim().toLowerCase();
    if (!q) return null;
    let best = null;
    let bestKey = null;
    for (const n of data.nodes) {
      if (nodeHidden.get(n.id)) continue;
      const label = n.label.toLowerCase();
      const at = label.indexOf(q);
      if (at < 0) continue;
      const key = [label === q ? 0 : at === 0 ? 1 : 2, label.length, -n.degree];
      if (bestKey === null || key[0] < bestKey[0] || (key[0] === bestKey[0] &&
          (key[1] < bestKey[1] || (key[1] === bestKey[1] && key[2] < bestKey[2])))) {
        best = n;
        bestKey = key;
      }
    }
    return best;
  }

  const status = document.getElementById("og-search-status");
  function focus(label) {
    const node = bestMatch(label);
    if (node === null) {
      network.unselectAll();
      status.textContent = label.trim() ? "No visible node matches." : "";
      return null;
    }
    status.textContent = "";
    selectNode(node.id);
    return node.id;
  }

  const query = document.getElementById("og-query");
  document.getElementById("og-search").addEventListener("submit", (event) => {
    event.preventDefault();
    focus(query.value);
  });

  // -- first drawing ----------------------------------------------------------------------
  // With physics, the simulation runs a fixed number of iterations, then stops for good so
  // the picture holds still; "ready" is the first drawing after that.
  let settled = !data.physics;
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({ physics: { enabled: false } });
    settled = true;
    network.redraw();
  });
  network.on("afterDrawing", () => {
    if (settled && document.body.dataset.ready !== "1") document.body.dataset.ready = "1";
  });
  network.setData({ nodes: nodes, edges: edges });

  function edgeCenter(id) {
    const point = network.body.edges[id].edgeType.getPoint(0.5);
    return network.canvasToDOM(point);
  }

  function drawn() {
    return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length };
  }

  window.octographView = { network, nodes, edges, focus, edgeCenter, drawn, selectNode };
})();
"""
