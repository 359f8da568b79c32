"""Turn the networkx graph of a report into one self-contained, interactive HTML page.

``build_view`` prepares what will be drawn (a `GraphView` whose lists tests can read);
``GraphView.to_html`` renders it through octograph/view/render.py and its template.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NotRequired, TypedDict

import networkx as nx

from octograph.output import write_file
from octograph.view.arrange import BIG_FONT, SMALL_FONT
from octograph.view.layout import local_name, node_size, smooth
from octograph.view.pack import collector_paused, pack, trim
from octograph.view.palette import (
    DEFAULT_CATEGORY,
    MODALITY_STYLES,
    Category,
    categories,
    category_color,
    family,
)
from octograph.view.picture import MAP_NODE_SIZE, arrange
from octograph.view.render import frame_html, page_html, vis_options

__all__ = [
    "EDGE_LABEL_LIMIT",
    "NODE_LABEL_LIMIT",
    "PHYSICS_NODE_LIMIT",
    "Category",
    "GraphView",
    "Predicate",
    "Quote",
    "VisEdge",
    "VisNode",
    "build_view",
    "category_color",
    "page_title",
]

# Past this many nodes the browser cannot run the force simulation within the time budget
# (10,000 nodes drawn in 5 s), so positions come only from the cheap layout in layout.py.
PHYSICS_NODE_LIMIT = 1000
# Measuring 30,000 labels takes chromium seconds, and at the zoom that shows them all they
# are too small to read: past these sizes edge labels are left to the side panel, and node
# labels are drawn only once the reader zooms in on them.
EDGE_LABEL_LIMIT = 3000
NODE_LABEL_LIMIT = 2000


# The heading of a group of links in the legend, by the family of the nodes they start from.
_FROM = {
    "messages": "From key messages",
    "threats": "From threats",
    "remedies": "From remedies",
    "instruments": "From instruments",
    "actors": "From actors",
    "values": "From values",
    "context": "From events and sources",
    "other": "Other links",
}


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
    shape: str
    font: int
    mx: float | None
    my: float | None


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
        "modality": str,
        "smooth": NotRequired[dict[str, Any]],  # only on parallel edges
    },
)
VisEdge.__doc__ = "An edge of the view: what vis-network draws and the passages stating it."


@dataclass(frozen=True)
class Predicate:
    """An edge predicate, its label and how many edges use it."""

    iri: str
    label: str
    count: int
    group: str = "Links"


@dataclass(frozen=True, eq=False)
class GraphView:
    """What the page will draw: tests read these lists, `to_html` and `write` render them."""

    title: str
    nodes: list[VisNode]
    edges: list[VisEdge]
    categories: list[Category]
    predicates: list[Predicate]
    physics: bool
    mode: str = "network"
    map_font: int = BIG_FONT  # of the key messages' labels on the message map

    def to_html(self, nav: Sequence[tuple[str, str, bool]] = ()) -> str:
        """Render the page: one HTML document with vis-network and the data inlined, under
        the navigation bar *nav* (``(href, label, current)`` links) if given."""
        # A big graph's tables are a hundred thousand small lists, none of them in a cycle:
        # the garbage collector would walk the whole heap, graph and all, dozens of times
        # while they are built (a third of a 10,000-node page's write time).
        with collector_paused():
            return page_html(self.title, pack(self._page_data()), nav)

    def _page_data(self) -> dict[str, Any]:
        """The data the page reads, as tables: edges name their ends, predicate, label and
        passages by position, which halves a big graph's page and the browser's parse time."""
        node_index = {n["id"]: i for i, n in enumerate(self.nodes)}
        category_index = {c.name: i for i, c in enumerate(self.categories)}
        predicate_index = {p.iri: i for i, p in enumerate(self.predicates)}
        labels: dict[str, int] = {}
        passages: dict[tuple[int | None, str], int] = {}  # a sentence often states several links
        edges = _edge_rows(self.edges, node_index, predicate_index, labels, passages)
        nodes = [
            trim(
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
                    n["font"],
                    n["mx"],
                    n["my"],
                ],
                (SMALL_FONT, None, None),
            )
            for n in self.nodes
        ]
        return {
            "title": self.title,
            "physics": self.physics,
            "mode": self.mode,
            "hasMap": any(n["mx"] is not None for n in self.nodes),
            "map": {"size": MAP_NODE_SIZE, "font": SMALL_FONT, "bigFont": self.map_font},
            "modalities": MODALITY_STYLES,
            "modalityNames": list(MODALITY_STYLES),
            "edgeLabels": len(self.edges) <= EDGE_LABEL_LIMIT,
            "lazyNodeLabels": len(self.nodes) > NODE_LABEL_LIMIT,
            "options": vis_options(big=len(self.nodes) > PHYSICS_NODE_LIMIT),
            "categories": [vars(c) for c in self.categories],
            "predicates": [vars(p) for p in self.predicates],
            "labels": list(labels),
            "passages": [list(p) for p in passages],
            "nodes": nodes,
            "edges": edges,
        }

    def _repr_html_(self) -> str:
        """Show the page inline in Jupyter, in a sandboxed iframe, without writing a file."""
        return frame_html(self.title, self.to_html())

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to `path`: atomically if it is a file, straight into a device or pipe.

        Raises:
            OutputError: the folder is missing or the file cannot be written; one line,
                ``path: reason``, as the other writers of octograph say it.
        """
        target = Path(path)
        write_file(target, self.to_html().encode("utf-8"))
        return target


def _edge_rows(
    edges: list[VisEdge],
    node_index: Mapping[str, int],
    predicate_index: Mapping[str, int],
    labels: dict[str, int],
    passages: dict[tuple[int | None, str], int],
) -> list[list[Any]]:
    """The edges as rows that name ends, predicate, label and passages by position; *labels*
    and *passages* fill up with the tables the positions point into."""
    modality_index = {m: i for i, m in enumerate(MODALITY_STYLES)}  # "states" first
    # Bound once: at 30,000 edges each lookup of a method shows in the write time.
    label_at, passage_at = labels.setdefault, passages.setdefault
    rows: list[list[Any]] = []
    for e in edges:
        row: list[Any] = [
            node_index[e["from"]],
            node_index[e["to"]],
            predicate_index[e["predicate"]],
            label_at(e["label"], len(labels)),
            [passage_at((q["number"], q["quote"]), len(passages)) for q in e["passages"]],
        ]
        # Trailing defaults left out (no curve, a plain statement): see pack.trim.
        modality = modality_index[e["modality"]]
        if modality:
            row += (e.get("smooth", 0), modality)
        elif "smooth" in e:
            row.append(e["smooth"])
        rows.append(row)
    return rows


def build_view(
    graph: nx.MultiDiGraph,
    *,
    title: str | None = None,
    physics: bool | None = None,
    mode: str = "network",
) -> GraphView:
    """Prepare a report's graph for drawing: colours, sizes, positions, filters.

    Pure: reads `graph` (see octograph.network for its attributes) and never changes it.

    Args:
        graph: nodes keyed by IRI, edges keyed by predicate IRI.
        title: page heading; defaults to the graph's ``title`` attribute.
        physics: let the browser's force simulation run from the start (the page has a
            toggle for it); by default off: positions are computed here and already settled.
        mode: ``"network"`` or ``"map"`` (the message map), the picture the page opens on.

    >>> g = nx.MultiDiGraph(title="Demo")
    >>> g.add_node("urn:a", label="Ransomware", category="Threat")
    >>> g.add_node("urn:b", label="Backups", category="Remedy")
    >>> _ = g.add_edge("urn:b", "urn:a", key="urn:addresses", label="addresses",
    ...                passages=[{"id": "urn:p1", "number": 1, "quote": "Backups help."}])
    >>> view = build_view(g)
    >>> [n["label"] for n in view.nodes], [e["label"] for e in view.edges]
    (['Ransomware', 'Backups'], ['addresses'])
    >>> [(c.name, c.color) for c in view.categories]
    [('Threat', '#c00f17'), ('Remedy', '#4fa852')]
    """
    nodes, categories, map_font = _nodes(graph)
    edges, predicates = _edges(graph)
    heading = title if title is not None else str(graph.graph.get("title") or "octograph")
    return GraphView(
        title=heading,
        nodes=nodes,
        edges=edges,
        categories=categories,
        predicates=predicates,
        physics=len(nodes) > 1 and bool(physics) and len(nodes) <= PHYSICS_NODE_LIMIT,
        mode=mode if any(n["mx"] is not None for n in nodes) else "network",
        map_font=map_font,
    )


def page_title(graph: nx.MultiDiGraph, files: Sequence[Path] = (), focus: str | None = None) -> str:
    """The page's title: what it shows, around an entity, a report, or the files drawn.

    >>> page_title(nx.MultiDiGraph(), [Path("zoo.ttl")])
    'octograph — zoo.ttl'
    """
    if focus:
        return f"octograph — around {focus}"
    if any(c == "KeyMessage" for _, c in graph.nodes(data="category")):
        return "octograph — the report's graph"
    names = [f.name for f in files][:4]
    if len(names) > 3:
        names[3:] = [f"{len(files) - 3} more files"]
    return "octograph — " + (", ".join(names) or "the graph")


def _nodes(graph: nx.MultiDiGraph) -> tuple[list[VisNode], list[Category], int]:
    """The nodes with their look, size and positions, the categories they fall in, and the
    size of the key messages' labels on the map."""
    node_ids = [str(n) for n in graph.nodes]
    attrs: dict[str, Mapping[str, Any]] = {str(n): a for n, a in graph.nodes(data=True)}
    degree = {str(n): int(d) for n, d in graph.degree()}
    max_degree = max(degree.values(), default=0)
    category = {n: str(attrs[n].get("category") or DEFAULT_CATEGORY) for n in node_ids}
    found = categories(Counter(category.values()))
    style = {c.name: c for c in found}
    size = {n: node_size(degree[n], max_degree) for n in node_ids}
    label = {n: str(attrs[n].get("label") or local_name(n)) for n in node_ids}
    positions, font, mapped, map_font = arrange(
        graph, node_ids, category, degree, size, label, found
    )
    nodes: list[VisNode] = []
    for n in node_ids:
        x, y = positions[n]
        mx, my = mapped.get(n, (None, None))
        nodes.append(
            {
                "id": n,
                "label": label[n],
                "group": category[n],
                "category": category[n],
                "color": style[category[n]].color,
                "shape": style[category[n]].shape,
                "size": size[n],
                "font": font[n],
                "degree": degree[n],
                "x": x,
                "y": y,
                "mx": mx,
                "my": my,
                "description": str(attrs[n].get("description") or ""),
                "iri": str(attrs[n].get("iri") or n),
            }
        )
    return nodes, found, map_font


def _edges(graph: nx.MultiDiGraph) -> tuple[list[VisEdge], list[Predicate]]:
    """The edges with their passages and curves, and the predicates they use."""
    edges: list[VisEdge] = []
    predicate_labels: dict[str, str] = {}
    predicate_counts: Counter[str] = Counter()
    subjects: dict[str, Counter[str]] = {}
    families = {n: family(str(c or DEFAULT_CATEGORY)) for n, c in graph.nodes(data="category")}
    # Counted once here: asking the graph for each edge's pair cost a third of a second at
    # 30,000 edges.
    in_pair = Counter((u, v) for u, v in graph.edges())
    seen_in_pair: Counter[tuple[Any, Any]] = Counter()
    for u, v, key, a in graph.edges(keys=True, data=True):
        predicate = str(a.get("predicate") or key)
        label = str(a.get("label") or local_name(predicate))
        predicate_labels.setdefault(predicate, label)
        predicate_counts[predicate] += 1
        if predicate not in subjects:
            subjects[predicate] = Counter()
        subjects[predicate][families[u]] += 1
        modality = a.get("modality") or "states"
        edge: VisEdge = {
            "id": f"e{len(edges)}",
            "from": str(u),
            "to": str(v),
            "label": label,
            "predicate": predicate,
            "passages": _quotes(a.get("passages") or ()),
            # absent or unknown: a plain statement, as it reads in the report's union graph
            "modality": modality if modality in MODALITY_STYLES else "states",
        }
        index = seen_in_pair[u, v]
        seen_in_pair[u, v] += 1
        curve = smooth(index, in_pair[u, v], u != v and (v, u) in in_pair)
        if curve is not None:
            edge["smooth"] = curve
        edges.append(edge)

    predicates = [
        Predicate(
            iri=p,
            label=predicate_labels[p],
            count=predicate_counts[p],
            group=_FROM[subjects[p].most_common(1)[0][0]],
        )
        for p in sorted(predicate_labels, key=lambda p: (predicate_labels[p].lower(), p))
    ]
    return edges, predicates


def _quotes(passages: Iterable[Mapping[str, Any]]) -> list[Quote]:
    """The passages stating an edge, in the shape the side panel reads."""
    # Converted only when needed: at 30,000 edges every call here shows in the write time.
    return [
        {
            "id": p["id"] if isinstance(p.get("id"), str) else str(p.get("id") or ""),
            "number": n if (n := p.get("number")) is None or isinstance(n, int) else int(n),
            "quote": p["quote"] if isinstance(p.get("quote"), str) else str(p.get("quote") or ""),
        }
        for p in passages
    ]
