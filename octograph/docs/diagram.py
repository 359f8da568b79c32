"""The geometry of the model diagram: boxes for top classes, arrows for object properties.

Pure computation on an `OntologyDoc`; templates/model.svg draws the result. Deterministic:
the layout depends on the ontology only, so the same ontology gives the same drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from octograph.docs.model import OntologyDoc, curie
from octograph.namespaces import OCTO

__all__ = ["LINE_HEIGHT", "Arrow", "Box", "Diagram", "Label", "draw"]

_CHAR = 7.2  # average glyph width of the 12px sans-serif text, for sizing boxes
_LABEL_CHAR = 6.6  # the same for the 11px labels of the arrows
LINE_HEIGHT = 15.0
_MARGIN = 20.0


@dataclass
class Box:
    """A top class, its subclasses listed inside; (x, y) is the centre."""

    iri: str
    title: str
    lines: list[str]
    x: float = 0.0
    y: float = 0.0

    @property
    def width(self) -> float:
        longest = max([len(self.title) + 2, *(len(line) for line in self.lines)])
        return 16 + _CHAR * longest

    @property
    def height(self) -> float:
        return 10 + LINE_HEIGHT * (1 + len(self.lines))

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def top(self) -> float:
        return self.y - self.height / 2

    def border(self, tx: float, ty: float) -> tuple[float, float]:
        """Where the line from the centre towards (tx, ty) leaves the box."""
        dx, dy = tx - self.x, ty - self.y
        if dx == 0 and dy == 0:
            return self.x, self.y
        scale = min(
            (self.width / 2) / abs(dx) if dx else math.inf,
            (self.height / 2) / abs(dy) if dy else math.inf,
        )
        return self.x + dx * scale, self.y + dy * scale


@dataclass(frozen=True)
class Arrow:
    """One arrow from a domain box to a range box: SVG path data and its tooltip."""

    path: str
    tip: str


@dataclass(frozen=True)
class Label:
    """The names of the properties an arrow carries, centred on (x, y)."""

    text: str
    x: float
    y: float

    @property
    def width(self) -> float:
        return _LABEL_CHAR * len(self.text)


@dataclass(frozen=True)
class Diagram:
    """Everything templates/model.svg draws, and the canvas that holds it."""

    boxes: list[Box]
    arrows: list[Arrow]
    labels: list[Label]
    left: float
    top: float
    width: float
    height: float


def draw(doc: OntologyDoc) -> Diagram:
    """Lay out *doc*: top classes as boxes, object properties as labelled arrows."""
    boxes = _boxes(doc)
    carried = _carried(doc)
    _place(boxes, carried)
    arrows: list[Arrow] = []
    labels: list[Label] = []
    for (d, r), names in sorted(carried.items()):
        text = ", ".join(sorted(names))
        path, (lx, ly) = _route(boxes, d, r, both_ways=(r, d) in carried)
        arrows.append(Arrow(path, f"{curie(d)} → {curie(r)}: {text}"))
        labels.append(Label(text, lx, ly))
    # The canvas is what the boxes and labels cover, with a margin.
    xs = [b.left for b in boxes.values()] + [t.x - t.width / 2 for t in labels]
    xe = [b.left + b.width for b in boxes.values()] + [t.x + t.width / 2 for t in labels]
    ys = [b.top for b in boxes.values()] + [t.y - 12 for t in labels]
    ye = [b.top + b.height for b in boxes.values()] + [t.y + 4 for t in labels]
    left, top = min(xs, default=0) - _MARGIN, min(ys, default=0) - _MARGIN
    return Diagram(
        boxes=list(boxes.values()),
        arrows=arrows,
        labels=labels,
        left=left,
        top=top,
        width=max(xe, default=0) + _MARGIN - left,
        height=max(ye, default=0) + _MARGIN - top,
    )


def _top(doc: OntologyDoc, iri: str) -> str:
    """The top octo: class above *iri* (itself when it has no octo: superclass)."""
    seen = {iri}
    current = iri
    while True:
        c = doc.klass(current)
        parent = next((s for s in (c.supers if c else []) if doc.klass(s)), None)
        if parent is None or parent in seen:
            return current
        seen.add(parent)
        current = parent


def _wrap(words: list[str], width: int) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 2 + len(word) <= width:
            lines[-1] += ", " + word
        else:
            lines.append(word)
    return lines


def _boxes(doc: OntologyDoc) -> dict[str, Box]:
    """One box per top class, listing the local names of the classes under it."""
    boxes: dict[str, Box] = {}
    for iri in sorted({_top(doc, c.iri) for c in doc.classes}):
        under = sorted(
            d.iri[len(OCTO) :] for d in doc.classes if d.iri != iri and _top(doc, d.iri) == iri
        )
        boxes[iri] = Box(iri, iri[len(OCTO) :], _wrap(under, 26))
    return boxes


def _carried(doc: OntologyDoc) -> dict[tuple[str, str], list[str]]:
    """One arrow per (domain box, range box) pair, with every property it carries."""
    arrows: dict[tuple[str, str], list[str]] = {}
    for p in doc.properties:
        if p.kind != "owl:ObjectProperty":
            continue
        for d in p.domains:
            for r in p.ranges:
                if doc.klass(d) and doc.klass(r):
                    key = (_top(doc, d), _top(doc, r))
                    arrows.setdefault(key, []).append(p.iri[len(OCTO) :])
    return arrows


def _route(
    boxes: dict[str, Box], d: str, r: str, *, both_ways: bool
) -> tuple[str, tuple[float, float]]:
    """The path data of the arrow from box *d* to box *r*, and where its label goes."""
    if d == r:  # a loop on the box's right edge
        box = boxes[d]
        x0, y0 = box.x + box.width / 2, box.y - 4
        return f"M{x0:.1f},{y0:.1f} c 45,-50 45,40 0,8", (x0 + 38, y0 - 14)
    a, b = boxes[d], boxes[r]
    x1, y1 = a.border(b.x, b.y)
    x2, y2 = b.border(a.x, a.y)
    # A pair with arrows both ways bends each aside so that the two do not overlap.
    bend = 28.0 if both_ways else 0.0
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    nx_, ny_ = -(y2 - y1) / length, (x2 - x1) / length
    cx, cy = (x1 + x2) / 2 + bend * nx_, (y1 + y2) / 2 + bend * ny_
    path = f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}"
    return path, ((x1 + 2 * cx + x2) / 4, (y1 + 2 * cy + y2) / 4)


def _place(boxes: dict[str, Box], arrows: dict[tuple[str, str], list[str]]) -> None:
    """Place the boxes: the most connected one in the centre, the others on a circle around
    it, each next to the one it is most connected with so that arrows stay short."""
    weight: dict[tuple[str, str], int] = {}
    for (d, r), names in arrows.items():
        if d != r:
            for key in ((d, r), (r, d)):
                weight[key] = weight.get(key, 0) + len(names)

    def degree(iri: str) -> tuple[int, int]:
        # Distinct neighbours first: the hub is what most other classes connect to.
        links = [w for (a, _b), w in weight.items() if a == iri]
        return len(links), sum(links)

    order = sorted(boxes, key=lambda i: (tuple(-x for x in degree(i)), i))
    if not order:
        return
    centre, rest = order[0], order[1:]
    placed: list[str] = []
    while rest:
        # The next box is the one most tied to the last two placed (ties: more connected,
        # then IRI order), which keeps neighbours in the model neighbours on the circle.
        recent = placed[-2:]
        nxt = min(
            rest,
            key=lambda i: (
                -sum(weight.get((i, j), 0) * (2 if j == recent[-1] else 1) for j in recent),
                tuple(-x for x in degree(i)),
                i,
            ),
        )
        placed.append(nxt)
        rest.remove(nxt)
    boxes[centre].x = boxes[centre].y = 0.0
    if not placed:  # one top class: nothing goes round it
        return
    # Each box gets an arc as long as it is wide (plus a gap), so neighbours never overlap.
    arcs = [boxes[i].width + 70 for i in placed]
    radius = max(320.0, sum(arcs) / (2 * math.pi))
    angle = -math.pi / 2 - arcs[0] / 2 / radius
    for iri, arc in zip(placed, arcs, strict=True):
        angle += arc / 2 / radius
        boxes[iri].x = radius * math.cos(angle)
        boxes[iri].y = radius * math.sin(angle)
        angle += arc / 2 / radius
