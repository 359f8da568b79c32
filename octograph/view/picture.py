"""What the picture is before the browser sees it: which labels are big, and where every node
stands, in the network and on the message map (the geometry itself is in arrange.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import networkx as nx

from octograph.view.arrange import (
    ARRANGE_NODE_LIMIT,
    BIG_FONT,
    CROWDED_FONT,
    CROWDED_HUBS,
    OVERVIEW_FONT,
    READABLE,
    SMALL_FONT,
    first_zoom,
    force_positions,
    label_box,
    map_positions,
    small_labels_show,
    wrap_label,
)
from octograph.view.layout import layout
from octograph.view.palette import Category

__all__ = ["MAP_NODE_SIZE", "Arranged", "arrange"]

MAP_NODE_SIZE = 12.0  # every node's radius on the message map
# Always labelled, with the hubs. Labelling the threats and instruments too was tried: the
# picture then fits the screen only at about 8 px a label, faded and unreadable.
_ALWAYS = frozenset({"KeyMessage"})


def _fonts(
    nodes: list[str],
    category: Mapping[str, str],
    degree: Mapping[str, int],
    big: int,
    *,
    hubs: int | None = None,
    small: int = SMALL_FONT,
) -> dict[str, int]:
    """Key messages and hubs (by default the most connected twelfth, at least five) get a
    *big* label, readable when the whole graph is on screen; the others' labels, *small*,
    come as one zooms in."""
    most = max(5, len(nodes) // 12) if hubs is None else hubs
    hub = set(sorted(nodes, key=lambda n: (-degree[n], n))[:most])
    return {
        n: big if category[n] in _ALWAYS or (n in hub and degree[n] > 2) else small for n in nodes
    }


class Arranged(NamedTuple):
    """Where the nodes are and how big their labels, in the network and on the map."""

    positions: dict[str, tuple[float, float]]
    font: dict[str, int]
    mapped: dict[str, tuple[float, float]]  # only where the graph has key messages
    map_font: int  # of the key messages' labels on the map


def arrange(
    graph: nx.MultiDiGraph,
    nodes: list[str],
    category: Mapping[str, str],
    degree: Mapping[str, int],
    size: Mapping[str, float],
    label: Mapping[str, str],
    found: list[Category],
) -> Arranged:
    """Settled positions and the labels' sizes: the big labels are OVERVIEW_FONT in a picture
    that shows only them at its first zoom, BIG_FONT where every label shows; in a crowded
    picture, where even those would be too small to read, only CROWDED_HUBS hubs keep one and
    the others' labels are CROWDED_FONT."""
    fonts = [_fonts(nodes, category, degree, big) for big in (BIG_FONT, OVERVIEW_FONT)]
    if len(nodes) > ARRANGE_NODE_LIMIT:
        return Arranged(layout(nodes, category, degree, [c.name for c in found]), fonts[0], {},
                         BIG_FONT)  # fmt: skip
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from(sorted((str(u), str(v)) for u, v in graph.edges() if u != v))
    boxes = [{n: label_box(wrap_label(label[n]), f[n], size[n]) for n in nodes} for f in fonts]
    positions, chosen = force_positions(simple, boxes)
    font = fonts[chosen]
    big_px = first_zoom(positions, boxes[chosen]) * (BIG_FONT, OVERVIEW_FONT)[chosen]
    if big_px < READABLE:  # not even the hubs' labels readable
        crowded = _fonts(nodes, category, degree, OVERVIEW_FONT, hubs=CROWDED_HUBS,
                         small=CROWDED_FONT)  # fmt: skip
        room = {n: label_box(wrap_label(label[n]), crowded[n], size[n]) for n in nodes}
        tight = force_positions(simple, [room])[0]
        if first_zoom(tight, room) * OVERVIEW_FONT > big_px:
            positions, font = tight, crowded
    if "KeyMessage" not in category.values():
        return Arranged(positions, font, {}, BIG_FONT)
    return Arranged(positions, font, *_map(simple, nodes, category, label))


def _map(
    simple: nx.Graph, nodes: list[str], category: Mapping[str, str], label: Mapping[str, str]
) -> tuple[dict[str, tuple[float, float]], int]:
    """The message map's positions and the key messages' label size on it: every node has
    one size and only key messages a big label (view.js switches to these for the map)."""
    order = sorted(nodes, key=lambda n: (_natural(label[n]), n))
    for big in (BIG_FONT, OVERVIEW_FONT):
        map_boxes = {
            n: label_box(
                wrap_label(label[n]),
                big if category[n] == "KeyMessage" else SMALL_FONT,
                MAP_NODE_SIZE,
            )
            for n in nodes
        }
        mapped = map_positions(simple, category, map_boxes, order)
        if small_labels_show(mapped, map_boxes):
            break
    return mapped, big


def _natural(text: str) -> list[Any]:
    """Sort key that puts "Key message 2" before "Key message 10"."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t.lower()) for t in re.split(r"(\d+)", text)]
