"""How categories look: a colour per category, a shape per category of a family, and edge styles."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "CATEGORY_COLORS",
    "DEFAULT_CATEGORY",
    "MODALITY_STYLES",
    "SHAPES",
    "Category",
    "categories",
    "category_color",
    "category_style",
    "family",
    "title",
]

DEFAULT_CATEGORY = "Other"

# vis-network shapes that keep the label below the node (box, ellipse and the like would
# put it inside and change every size).
SHAPES = ("dot", "triangle", "square", "diamond", "hexagon", "star", "triangleDown")

# Each of the report's categories: (family, colour, shape). Every category has a colour of
# its own, and within a family a shape of its own, so colour and shape both tell it apart.
#
# The colours: any two differ by CIEDE2000 >= 15 for normal vision and under simulated
# deuteranopia (Machado et al. 2009), and each by >= 20 from the white page;
# tests/test_view_look.py measures all three. Found by a search (simulated annealing over
# sRGB) that kept the first six near the hues people expect (threats red, remedies green,
# instruments blue, stakeholders orange, values purple, key messages near black) and then
# pulled every pair apart. 15 rather than the 20 one would like: seventeen colours that a
# deuteranope can tell apart do not go much past 16 (the search's best: 15.8 here, 16.6
# with no hue kept), fourteen not past 20 (19.8), eight reach 28.
_KNOWN: dict[str, tuple[str, str, str]] = {
    "KeyMessage": ("messages", "#050d07", "square"),
    "Threat": ("threats", "#c00f17", "triangle"),
    "Remedy": ("remedies", "#4fa852", "dot"),
    "Instrument": ("instruments", "#0662f9", "diamond"),
    "Stakeholder": ("actors", "#fc8c01", "hexagon"),
    "Place": ("actors", "#573d11", "dot"),
    "Country": ("actors", "#fffb00", "square"),
    "Value": ("values", "#6e3f7f", "star"),
    "Tension": ("values", "#cf57c5", "triangleDown"),
    "Event": ("context", "#85fce7", "triangleDown"),
    "Example": ("context", "#57dbf7", "dot"),
    "Conference": ("context", "#845d55", "square"),
    "Report": ("context", "#6f787f", "diamond"),
    "Project": ("context", "#defcb3", "hexagon"),
    "Figure": ("context", "#d8aea6", "star"),
    "Passage": ("context", "#a0a5ad", "triangle"),
    "Taxonomy": ("other", "#0a205b", "diamond"),
}
_ORDER = list(_KNOWN)

# The same colours in the same order: categories the report does not use take them too.
CATEGORY_COLORS: tuple[str, ...] = tuple(color for _, color, _ in _KNOWN.values())

# Edges by how sure the report is (the `modality` edge attribute): a plain fact is a thin
# solid line, a hedge ("may", "likely") dashed, a demand ("must", "should") thick.
MODALITY_STYLES: dict[str, dict[str, object]] = {
    "states": {"dashes": False, "width": 1},
    "may": {"dashes": [6, 5], "width": 1.5},
    "likely": {"dashes": [10, 4], "width": 1.5},
    "must": {"dashes": False, "width": 4},
    "should": {"dashes": False, "width": 3},
}


@dataclass(frozen=True)
class Category:
    """A node category: its colour and shape in the picture, its family, how many nodes."""

    name: str
    color: str
    count: int
    shape: str = "dot"
    family: str = "other"
    title: str = ""

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", title(self.name))


def title(name: str) -> str:
    """A category's name as words for people: its capitalised parts after the first in lower
    case, acronyms and names already in words kept.

    >>> title("KeyMessage"), title("Threat"), title("MISPEvent"), title("landmark_site")
    ('Key message', 'Threat', 'MISPEvent', 'landmark site')
    """
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name.replace("_", " ")).split()
    rest = [w.lower() if re.fullmatch(r"[A-Z][a-z]+", w) else w for w in words[1:]]
    return " ".join(words[:1] + rest) or name


def family(name: str) -> str:
    """The family a category belongs to (``other`` for one the report does not use).

    >>> family("Stakeholder"), family("Zebra")
    ('actors', 'other')
    """
    return _KNOWN[name][0] if name in _KNOWN else "other"


def _styles() -> list[tuple[str, str]]:
    """Every (colour, shape) pair, colours first, for categories the report does not use."""
    return [(c, s) for s in SHAPES for c in CATEGORY_COLORS]


def _slot(name: str) -> int:
    # Not Python's hash(), which is salted per process: a category keeps its look everywhere.
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % len(_styles())


def category_style(name: str) -> tuple[str, str]:
    """The (colour, shape) a category has unless another in the same graph has its colour.

    >>> category_style("Threat")
    ('#c00f17', 'triangle')
    """
    if name in _KNOWN:
        _, color, shape = _KNOWN[name]
        return color, shape
    return _styles()[_slot(name)]


def category_color(name: str) -> str:
    """The colour of a category (see `category_style`)."""
    return category_style(name)[0]


def categories(counts: Mapping[str, int]) -> list[Category]:
    """The report's categories in their usual order, then any others alphabetically.

    Two categories of one colour would be told apart by shape alone, so a category the
    report does not use keeps its own look only while no other category of this graph has
    its colour; else it takes the next colour nobody has, and once every colour is shown,
    the next (colour, shape) that nobody has.
    """
    order = sorted(counts, key=lambda c: (_ORDER.index(c) if c in _ORDER else len(_ORDER), c))
    styles = _styles()
    looks = {c: category_style(c) for c in order if c in _KNOWN}
    for c in order:
        if c in looks:
            continue
        colors = {color for color, _ in looks.values()}
        slot = _slot(c)
        turn = [styles[(slot + step) % len(styles)] for step in range(len(styles))]
        free = [s for s in turn if s[0] not in colors] or [
            s for s in turn if s not in looks.values()
        ]
        looks[c] = free[0] if free else turn[0]  # more categories than looks: some share
    return [Category(c, looks[c][0], counts[c], looks[c][1], family(c)) for c in order]
