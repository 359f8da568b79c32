"""Where the graph view draws things: node sizes, positions for big graphs, edge curves."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

__all__ = [
    "layout",
    "local_name",
    "node_size",
    "smooth",
]

_NODE_SPACING = 36.0  # pixels between neighbouring nodes in a category cluster
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))


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
