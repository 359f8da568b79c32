"""Turn the networkx graph of a report into one self-contained, interactive HTML page.

``build_view`` prepares what will be drawn (a `GraphView` whose lists tests can read);
``GraphView.to_html`` renders it through octograph/view/render.py and its template.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NotRequired, TypedDict

import networkx as nx

from octograph.output import write_file
from octograph.view.layout import (
    DEFAULT_CATEGORY,
    Category,
    categories,
    category_color,
    layout,
    local_name,
    node_size,
    smooth,
)
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
]

# Past this many nodes the browser cannot run the force simulation within the time budget
# (10,000 nodes drawn in 5 s), so positions come only from the cheap layout in layout.py.
PHYSICS_NODE_LIMIT = 1000
# Measuring 30,000 labels takes chromium seconds, and at the zoom that shows them all they
# are too small to read: past these sizes edge labels are left to the side panel, and node
# labels are drawn only once the reader zooms in on them.
EDGE_LABEL_LIMIT = 3000
NODE_LABEL_LIMIT = 2000


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
        return page_html(self.title, self._page_data())

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
            "options": vis_options(self.physics, big=len(self.nodes) > PHYSICS_NODE_LIMIT),
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
    nodes, categories = _nodes(graph)
    edges, predicates = _edges(graph)
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


def _nodes(graph: nx.MultiDiGraph) -> tuple[list[VisNode], list[Category]]:
    """The nodes with their colour, size and position, and the categories they fall in."""
    node_ids = [str(n) for n in graph.nodes]
    attrs: dict[str, Mapping[str, Any]] = {str(n): a for n, a in graph.nodes(data=True)}
    degree = {str(n): int(d) for n, d in graph.degree()}
    max_degree = max(degree.values(), default=0)
    category = {n: str(attrs[n].get("category") or DEFAULT_CATEGORY) for n in node_ids}
    found = categories(Counter(category.values()))
    color = {c.name: c.color for c in found}
    positions = layout(node_ids, category, degree, [c.name for c in found])

    nodes: list[VisNode] = []
    for n in node_ids:
        a = attrs[n]
        x, y = positions[n]
        nodes.append(
            {
                "id": n,
                "label": str(a.get("label") or local_name(n)),
                "group": category[n],
                "category": category[n],
                "color": color[category[n]],
                "size": node_size(degree[n], max_degree),
                "degree": degree[n],
                "x": x,
                "y": y,
                "description": str(a.get("description") or ""),
                "iri": str(a.get("iri") or n),
            }
        )
    return nodes, found


def _edges(graph: nx.MultiDiGraph) -> tuple[list[VisEdge], list[Predicate]]:
    """The edges with their passages and curves, and the predicates they use."""
    edges: list[VisEdge] = []
    predicate_labels: dict[str, str] = {}
    predicate_counts: Counter[str] = Counter()
    seen_in_pair: Counter[tuple[str, str]] = Counter()
    for u, v, key, a in graph.edges(keys=True, data=True):
        source, target = str(u), str(v)
        predicate = str(a.get("predicate") or key)
        label = str(a.get("label") or local_name(predicate))
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
        curve = smooth(
            index, graph.number_of_edges(u, v), source != target and graph.has_edge(v, u)
        )
        if curve is not None:
            edge["smooth"] = curve
        edges.append(edge)

    predicates = [
        Predicate(iri=p, label=predicate_labels[p], count=predicate_counts[p])
        for p in sorted(predicate_labels, key=lambda p: (predicate_labels[p].lower(), p))
    ]
    return edges, predicates


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
