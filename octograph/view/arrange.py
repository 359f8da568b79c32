"""Settled positions computed before the page is written: a force layout whose node and label
boxes never overlap, and the message map (key messages, threats, remedies, actors, instruments).

Everything is in vis-network's canvas units, where a label of font size f is f units tall at
every zoom: boxes that do not overlap here do not overlap on screen at any zoom.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

__all__ = [
    "ARRANGE_NODE_LIMIT",
    "BIG_FONT",
    "CROWDED_FONT",
    "CROWDED_HUBS",
    "LABEL_SHOWN",
    "MAP_COLUMNS",
    "OVERVIEW_FONT",
    "READABLE",
    "SCREEN",
    "SMALL_FONT",
    "Box",
    "first_zoom",
    "force_positions",
    "label_box",
    "map_positions",
    "small_labels_show",
    "wrap_label",
]

# Past this many nodes a force layout costs seconds; the cheap ring layout of layout.py
# takes over and labels come as the reader zooms in.
ARRANGE_NODE_LIMIT = 600
# Key messages and hubs; every other node. When the whole picture on a screen leaves the small
# labels too small to draw, only the big ones show, and they get OVERVIEW_FONT: for the
# report that is about 13 px on a laptop instead of 9 (vis-network caps them at 18 px as one
# zooms in).
BIG_FONT, OVERVIEW_FONT, SMALL_FONT = 30, 40, 14
LABEL_SHOWN = 8  # px on screen from which vis-network draws a label in full (render.py)
# A crowded graph (a few hundred nodes) fitted to the screen with room for every label at
# SMALL_FONT leaves even its big labels under LABEL_SHOWN: nothing readable at all. Then at
# most CROWDED_HUBS hubs keep a big label, readable from READABLE px, and the others get a
# CROWDED_FONT label with room kept in proportion, which shows from zoom 2 (368 SKOS
# concepts: hub labels 4 px -> 14 px).
READABLE, CROWDED_HUBS, CROWDED_FONT = 11, 12, 4
SCREEN = (1100.0, 760.0)  # the picture's room on a 1280 x 800 screen, beside the legend
_WRAP = 24  # characters per label line
# Arial, which vis-network draws in, averages about 0.5 em a character in mixed text; 0.62
# em errs wide so that an estimated box holds the drawn one.
_EM, _LINE = 0.62, 1.3
_GAP = 8.0  # canvas units kept free between two boxes
# Passes after which boxes still pushing each other get a tenth more room all round: a
# crowded graph otherwise circles for thousands of passes (a 400-node one for 2,000).
_CROWDED = 100
_RECHECK = 10  # passes between two lookups of which boxes are near each other
_FORCE_PAIRS = 300 * 150**2  # pair weighings the force layout may make (see _start)
# Graphs up to this size are laid out from several seeds, the largest picture kept (a few
# hundredths of a second each at this size).
_TRIES, _TRIES_NODE_LIMIT = 4, 40
# Labels are wide and short, so pushing along y is cheap and would stack the picture into a
# tall column; preferring x up to this ratio keeps it about as wide as a screen. Two boxes
# prefer x only as far as they are wider than tall: bare nodes preferring it spread a
# crowded graph into a band five times wider than high (590 random nodes: hub labels 5.6 px
# instead of 13.3 at the first zoom).
_X_BIAS = 1.8
_SCREEN_RATIO = 1.45
# The map's columns, left to right: what a message identifies, proposes, who acts, on what.
MAP_COLUMNS = ("KeyMessage", "Threat", "Remedy", "Stakeholder", "Instrument")


@dataclass
class Box:
    """A node and its label below it: half-width, and the extents above and below the centre."""

    half: float
    up: float
    down: float


def wrap_label(label: str) -> str:
    """A label broken into lines vis-network draws one under the other.

    >>> wrap_label("Cybercrime Programme Office of the Council of Europe")
    'Cybercrime Programme\\nOffice of the Council of\\nEurope'
    """
    return "\n".join(textwrap.wrap(label, _WRAP, break_long_words=True)) or label


def label_box(label: str, font: float, radius: float) -> Box:
    """The room a node of *radius* needs with its (wrapped) *label* in *font* drawn below."""
    lines = label.split("\n") if label else []
    width = max((len(line) for line in lines), default=0) * font * _EM + 6
    height = len(lines) * font * _LINE
    return Box(half=max(radius, width / 2), up=radius, down=radius + 4 + height)


def force_positions(
    graph: nx.Graph, choices: Sequence[Mapping[str, Box]], seed: int = 42
) -> tuple[dict[str, tuple[float, float]], int]:
    """ForceAtlas2 (seeded, so the same graph gives the same picture), spread apart until no
    two boxes overlap, then drawn in as far as that allows; with the first of the *choices*
    of boxes whose small labels show at the first zoom (else the last), and its index.

    A small graph is laid out from _TRIES seeds and the picture drawn largest is kept: one
    seed's picture of a 17-node neighbourhood can come out twice as tall as another's, too
    big on a screen for its small labels.
    """
    names = sorted(graph)
    if not names:
        return {}, 0
    tries = _TRIES if len(names) <= _TRIES_NODE_LIMIT else 1
    starts = [_start(graph, choices[0], seed + k) for k in range(tries)]
    for index, boxes in enumerate(choices):
        listed = [boxes[n] for n in names]
        if index < len(choices) - 1 and not _may_show_small_labels(listed):
            continue  # even packed without a gap, the picture would be too big for them
        pictures = []
        for start in starts:
            xy = _compact(_spread(start, listed)[0], listed)
            positions = {
                n: (round(float(x), 1), round(float(y), 1))
                for n, (x, y) in zip(names, xy, strict=True)
            }
            pictures.append((first_zoom(positions, boxes), positions))
        zoom, positions = max(pictures, key=lambda p: p[0])  # the first of equals
        if zoom * SMALL_FONT >= LABEL_SHOWN or index == len(choices) - 1:
            return positions, index
    raise ValueError("force_positions needs a choice of boxes")


def _start(graph: nx.Graph, boxes: Mapping[str, Box], seed: int) -> np.ndarray:
    """ForceAtlas2's positions, in sorted node order, the long axis across the screen and
    scaled so that an average edge is about three small labels long, and the picture at least
    as big as its boxes laid edge to edge."""
    sizes = {n: boxes[n].half for n in graph}
    # Each iteration weighs every pair: 300 for the report's 128 nodes, fewer past that, so
    # that a 600-node graph is laid out in about the same time (and still settles).
    rounds = max(50, min(300, _FORCE_PAIRS // max(1, graph.number_of_nodes()) ** 2))
    raw = nx.forceatlas2_layout(
        graph, max_iter=rounds, scaling_ratio=4.0, node_size=sizes, seed=seed,
        distributed_action=True,
    ) if graph.number_of_nodes() > 1 else {n: (0.0, 0.0) for n in graph}  # fmt: skip
    xy = np.array([raw[n] for n in sorted(graph)], dtype=float).reshape(-1, 2)
    xy -= xy.mean(axis=0)
    if len(xy) > 2:  # the long axis across the screen, which is wider than tall
        _, _, axes = np.linalg.svd(xy, full_matrices=False)
        xy = xy @ axes.T
    # Labels are wide, so the width gets more room than the height before boxes are pushed.
    lengths = [math.dist(raw[u], raw[v]) for u, v in graph.edges() if u != v]
    mean = sum(lengths) / len(lengths) if lengths else 1.0
    xy = np.asarray(xy * np.array([1.6, 1.0]) * (160.0 / mean if mean > 0 else 1.0))
    # Never denser than the boxes could be packed: pushed apart all at once, a hundred boxes on
    # one spot fly far past where they would fit (the incident taxonomies' first zoom: 0.30
    # from a start that dense, 0.36 from one given the room).
    listed = [boxes[n] for n in sorted(graph)]
    need = _area(listed)
    width, height = _extent(xy, listed)
    if 0 < width * height < need:
        centre = xy.mean(axis=0)
        xy = centre + (xy - centre) * math.sqrt(need / (width * height))
    return xy


def _may_show_small_labels(boxes: Sequence[Box]) -> bool:
    """Whether the small labels could show at the first zoom at all: if the boxes, laid
    edge to edge with no hole, already need more room than SCREEN at the zoom that draws
    them, no layout can."""
    return (
        min(1.0, 0.96 * math.sqrt(SCREEN[0] * SCREEN[1] / _area(boxes))) * SMALL_FONT >= LABEL_SHOWN
    )


def _area(boxes: Sequence[Box]) -> float:
    """The room the boxes take laid edge to edge, each with its gap."""
    return sum((2 * b.half + _GAP) * (b.up + b.down + _GAP) for b in boxes)


def first_zoom(positions: Mapping[str, tuple[float, float]], boxes: Mapping[str, Box]) -> float:
    """The zoom the page opens at on SCREEN: the whole picture, never past 1 (as view.js's
    fitView computes it)."""
    if not positions:
        return 1.0
    xy = np.array(list(positions.values()), dtype=float)
    width, height = _extent(xy, [boxes[n] for n in positions])
    return min(1.0, 0.96 * min(SCREEN[0] / width, SCREEN[1] / height))


def small_labels_show(
    positions: Mapping[str, tuple[float, float]], boxes: Mapping[str, Box]
) -> bool:
    """Whether the small labels are drawn in full at the first zoom."""
    return first_zoom(positions, boxes) * SMALL_FONT >= LABEL_SHOWN


def _extent(xy: np.ndarray, boxes: Sequence[Box]) -> tuple[float, float]:
    """Width and height of the picture, every node with its label."""
    half = np.array([b.half for b in boxes])
    up = np.array([b.up for b in boxes])
    down = np.array([b.down for b in boxes])
    width = (xy[:, 0] + half).max() - (xy[:, 0] - half).min()
    return float(width), float((xy[:, 1] + down).max() - (xy[:, 1] - up).min())


def _compact(xy: np.ndarray, boxes: Sequence[Box], rounds: int = 12) -> np.ndarray:
    """The layout drawn in towards its centre, more along its too-long side, and spread
    again, as long as that lets it be drawn larger on a screen.

    Pushing pairs apart leaves holes: drawing in halves them, which lets the big labels be
    drawn a third larger at the first zoom (about 13 px instead of 9 for the report).
    """

    def scale(layout: np.ndarray) -> float:  # of the picture fitted to the screen
        width, height = _extent(layout, boxes)
        return min(_SCREEN_RATIO / width, 1 / height)

    best, current = xy, xy
    for _ in range(rounds):
        width, height = _extent(current, boxes)
        factor = np.array([0.75, 0.9] if width > height * _SCREEN_RATIO else [0.9, 0.75])
        centre = current.mean(axis=0)
        current, settled = _spread(centre + (current - centre) * factor, boxes)
        if not settled or scale(current) < scale(best) * 1.01:
            break  # another round would gain less than a hundredth
        best = current
    return best


def _spread(xy: np.ndarray, boxes: Sequence[Box], passes: int = 2000) -> tuple[np.ndarray, bool]:
    """Push every two overlapping boxes apart along the axis where they overlap least, all
    pairs at once; and whether none overlap any more.

    Only pairs near each other are weighed in a pass; which pairs are near is worked out
    every _RECHECK passes, with a margin, and once more over all pairs before saying done.
    """
    half = np.array([b.half for b in boxes])
    up = np.array([b.up for b in boxes])
    down = np.array([b.down for b in boxes])
    # Near: within the largest box's size, about as far as a box moves in _RECHECK passes.
    margin = 2 * max((max(b.half, b.up + b.down) for b in boxes), default=0.0)
    near = (np.zeros(0, dtype=int), np.zeros(0, dtype=int))
    for step in range(passes):
        if step % _RECHECK == 0:
            near = _pairs(xy, half, up, down, margin)
        i, j, dx, dy = _overlaps(xy, half, up, down, near)
        if len(i) == 0:
            near = _pairs(xy, half, up, down, 0.0)  # every pair, before saying done
            i, j, dx, dy = _overlaps(xy, half, up, down, near)
            if len(i) == 0:
                return xy, True
        x, y = xy[:, 0], xy[:, 1]
        # wide boxes (labels) prefer x, up to _X_BIAS; square ones (bare nodes) do not
        shape = (half[i] + half[j]) * 2 / (up[i] + down[i] + up[j] + down[j])
        along_x = dx < dy * np.clip(shape, 1.0, _X_BIAS)
        # ties (two nodes at one spot) part along the pair's order, the same in every run
        sx = np.where(x[j] >= x[i], 1.0, -1.0)
        sy = np.where(y[j] >= y[i], 1.0, -1.0)
        push = np.zeros_like(xy)
        amount_x = np.where(along_x, dx / 2 * sx, 0.0)
        amount_y = np.where(along_x, 0.0, dy / 2 * sy)
        np.add.at(push[:, 0], i, -amount_x)
        np.add.at(push[:, 0], j, amount_x)
        np.add.at(push[:, 1], i, -amount_y)
        np.add.at(push[:, 1], j, amount_y)
        xy = xy + push * 0.6  # less than the full push: many pairs push one node at once
        if step % _CROWDED == _CROWDED - 1:  # pushing goes round in circles: make room
            centre = xy.mean(axis=0)
            xy = centre + (xy - centre) * 1.1
    return xy, False


def _pairs(
    xy: np.ndarray, half: np.ndarray, up: np.ndarray, down: np.ndarray, margin: float
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i < j) of boxes that come within *margin* of overlapping."""
    x, y = xy[:, 0], xy[:, 1]
    dx = np.minimum.outer(x + half, x + half) - np.maximum.outer(x - half, x - half)
    dy = np.minimum.outer(y + down, y + down) - np.maximum.outer(y - up, y - up)
    close = (dx + _GAP + margin > _GAP / 2) & (dy + _GAP + margin > _GAP / 2)
    i, j = np.nonzero(np.triu(close, 1))
    return i, j


def _overlaps(
    xy: np.ndarray,
    half: np.ndarray,
    up: np.ndarray,
    down: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Of *pairs*, those whose boxes come nearer than half the gap, with how far they overlap
    along x and y (the gap included). Pushing for the full gap would make neighbours chase
    each other without end."""
    i, j = pairs
    x, y = xy[:, 0], xy[:, 1]
    dx = np.minimum(x[i] + half[i], x[j] + half[j]) - np.maximum(x[i] - half[i], x[j] - half[j])
    dy = np.minimum(y[i] + down[i], y[j] + down[j]) - np.maximum(y[i] - up[i], y[j] - up[j])
    dx, dy = dx + _GAP, dy + _GAP
    hit = (dx > _GAP / 2) & (dy > _GAP / 2)
    return i[hit], j[hit], dx[hit], dy[hit]


def map_positions(
    graph: nx.Graph,
    category: Mapping[str, str],
    boxes: Mapping[str, Box],
    order: Sequence[str],
) -> dict[str, tuple[float, float]]:
    """The message map: one column per category of MAP_COLUMNS, key messages in *order*, the
    others sorted by the barycentre of their neighbours (sweeps both ways cut crossings), a
    tall column folded into several so that the map keeps a screen's proportions."""
    columns = [[n for n in order if category[n] == c] for c in MAP_COLUMNS]
    rank = {n: float(i) for col in columns for i, n in enumerate(col)}
    for sweep in range(8):
        for k in range(1, len(columns)) if sweep % 2 == 0 else range(len(columns) - 1, 0, -1):
            columns[k].sort(key=lambda n: (_barycentre(graph, n, k, rank, category), rank[n]))
            rank.update({n: float(i) for i, n in enumerate(columns[k])})
    rows = _rows_for_screen(columns, boxes)
    positions: dict[str, tuple[float, float]] = {}
    x = 0.0
    for col in columns:
        for start in range(0, len(col), rows):
            part = col[start : start + rows]
            half = max(boxes[n].half for n in part)
            y = 0.0
            for n in part:
                y += boxes[n].up
                positions[n] = (round(x + half, 1), round(y, 1))
                y += boxes[n].down + _GAP * 2
            x += 2 * half + _GAP * 6
    return positions


def _barycentre(
    graph: nx.Graph, node: str, column: int, rank: Mapping[str, float], category: Mapping[str, str]
) -> float:
    """Mean rank of a node's neighbours in the map, nearer columns weighing more."""
    total = weight = 0.0
    for other in graph[node]:
        if other in rank and category[other] in MAP_COLUMNS:
            distance = abs(MAP_COLUMNS.index(category[other]) - column)
            if distance:
                total += rank[other] / distance
                weight += 1 / distance
    return total / weight if weight else rank[node]


def _rows_for_screen(columns: Sequence[Sequence[str]], boxes: Mapping[str, Box]) -> int:
    """How many nodes a column holds before it folds: the count that lets the map be drawn
    largest on a screen about 1.45 times wider than tall (the page beside its legend)."""
    tallest = max((len(c) for c in columns), default=1) or 1
    step = max((b.up + b.down + _GAP * 2 for b in boxes.values()), default=1.0)
    best, best_scale = tallest, 0.0
    for rows in range(tallest, 0, -1):  # from no fold down: a tie keeps fewer folds
        width = sum(
            math.ceil(len(c) / rows) * (2 * max(boxes[n].half for n in c) + _GAP * 6)
            for c in columns
            if c
        )
        scale = min(_SCREEN_RATIO / width, 1 / (rows * step))
        if scale > best_scale:
            best, best_scale = rows, scale
    return best
