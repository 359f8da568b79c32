"""How categories look: a colour per family, a shape per family, and the edge styles by modality."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "DEFAULT_CATEGORY",
    "FAMILY_COLORS",
    "MODALITY_STYLES",
    "SHAPES",
    "Category",
    "categories",
    "category_color",
    "category_style",
    "family",
]

DEFAULT_CATEGORY = "Other"

# One colour per family of the report's categories. Chosen (Okabe-Ito as the start, then a
# search that moved each colour a little) so that any two differ by CIEDE2000 >= 20, for
# normal vision and under simulated deuteranopia (Machado et al. 2009), and each stands out
# against the white page; tests/test_view_palette.py checks both. Eight is about as many as
# that distance allows: nine colours already fall to ~20 at best, fourteen far below. So
# the rarer categories share their family's colour and are told apart by their shape.
FAMILY_COLORS: dict[str, str] = {
    "messages": "#1a1a1a",
    "threats": "#ed0a01",
    "remedies": "#146d43",
    "instruments": "#164b8f",
    "actors": "#ffcf09",
    "values": "#8e7290",
    "context": "#dcb3ac",
    "other": "#4ee2f7",
}

# vis-network shapes that keep the label below the node (box, ellipse and the like would
# put it inside and change every size).
SHAPES = ("dot", "triangle", "square", "diamond", "hexagon", "star", "triangleDown")

# The report's categories: (family, shape). Within a family every category has its own shape.
_KNOWN: dict[str, tuple[str, str]] = {
    "KeyMessage": ("messages", "square"),
    "Threat": ("threats", "triangle"),
    "Remedy": ("remedies", "dot"),
    "Instrument": ("instruments", "diamond"),
    "Stakeholder": ("actors", "hexagon"),
    "Place": ("actors", "dot"),
    "Country": ("actors", "square"),
    "Value": ("values", "star"),
    "Tension": ("values", "triangleDown"),
    "Event": ("context", "triangleDown"),
    "Example": ("context", "dot"),
    "Conference": ("context", "square"),
    "Report": ("context", "diamond"),
    "Project": ("context", "hexagon"),
    "Figure": ("context", "star"),
    "Passage": ("context", "triangle"),
    "Taxonomy": ("other", "diamond"),
}
_ORDER = list(_KNOWN)

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


def family(name: str) -> str:
    """The family a category belongs to (``other`` for one the report does not use).

    >>> family("Stakeholder"), family("Zebra")
    ('actors', 'other')
    """
    return _KNOWN.get(name, ("other", "dot"))[0]


def _styles() -> list[tuple[str, str]]:
    """Every (colour, shape) pair, in a fixed order, for categories the report does not use."""
    return [(c, s) for s in SHAPES for c in FAMILY_COLORS.values()]


def _slot(name: str) -> int:
    # Not Python's hash(), which is salted per process: a category keeps its look everywhere.
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % len(_styles())


def category_style(name: str) -> tuple[str, str]:
    """The (colour, shape) a category gets unless another in the same graph has it already.

    >>> category_style("Threat")
    ('#ed0a01', 'triangle')
    """
    if name in _KNOWN:
        fam, shape = _KNOWN[name]
        return FAMILY_COLORS[fam], shape
    return _styles()[_slot(name)]


def category_color(name: str) -> str:
    """The colour of a category (see `category_style`)."""
    return category_style(name)[0]


def categories(counts: Mapping[str, int]) -> list[Category]:
    """The report's categories in their usual order, then any others alphabetically.

    Two categories with the same look would be confused, so a category the report does not
    use takes the next (colour, shape) that no other category of this graph has.
    """
    order = sorted(counts, key=lambda c: (_ORDER.index(c) if c in _ORDER else len(_ORDER), c))
    styles = _styles()
    taken = {category_style(c) for c in order if c in _KNOWN}
    found = []
    for c in order:
        color, shape = category_style(c)
        if c not in _KNOWN:
            slot = _slot(c)
            for step in range(len(styles)):  # with more categories than styles, some share
                if styles[(slot + step) % len(styles)] not in taken:
                    color, shape = styles[(slot + step) % len(styles)]
                    break
            taken.add((color, shape))
        found.append(Category(c, color, counts[c], shape, family(c)))
    return found
