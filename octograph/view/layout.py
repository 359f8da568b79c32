"""How the graph view looks: category colours, node sizes, positions and edge curves."""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_CATEGORY",
    "Category",
    "categories",
    "category_color",
    "layout",
    "local_name",
    "node_size",
    "smooth",
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

DEFAULT_CATEGORY = "Other"
_NODE_SPACING = 36.0  # pixels between neighbouring nodes in a category cluster
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))


@dataclass(frozen=True)
class Category:
    """A node category, its colour in the picture and how many nodes it has."""

    name: str
    color: str
    count: int


def category_color(name: str) -> str:
    """The colour a category gets unless another category in the same graph has it already.

    >>> category_color("Threat"), category_color("Zebra") == category_color("Zebra")
    ('#d62728', True)
    """
    return _CATEGORY_COLORS.get(name) or _EXTRA_COLORS[_extra_slot(name)]


def _extra_slot(name: str) -> int:
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % len(_EXTRA_COLORS)


def categories(counts: Mapping[str, int]) -> list[Category]:
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


def local_name(iri: str) -> str:
    """The last segment of an IRI, a readable fallback label."""
    return re.split(r"[#/:]", iri.rstrip("#/"))[-1] or iri


def node_size(degree: int, max_degree: int) -> float:
    """Radius in pixels; square root so that hubs stand out without swallowing the rest."""
    if max_degree == 0:
        return 10.0
    return round(10.0 + 25.0 * math.sqrt(degree / max_degree), 1)


def smooth(index: int, in_pair: int, reverse: bool) -> dict[str, Any] | None:
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


def layout(
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
