"""The ontology as documentation: an HTML page with examples from the data, and an SVG diagram.

``collect`` reads the loaded graph into plain objects (tests inspect those); ``render_html``
and ``render_svg`` turn them into text through autoescaped Jinja2 templates; ``write_docs``
writes ``index.html`` and ``model.svg``. Not pyLODE: pyLODE documents the ontology alone (no
instances, no quotes from the data) and brings httpx and five more packages with it. The
page is self-contained (the diagram is inline, the style embedded) and works offline.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from octograph.docs.model import (
    EXAMPLES_PER_CLASS,
    ClassDoc,
    Example,
    OntologyDoc,
    PropertyDoc,
    TermDoc,
    collect,
    curie,
)
from octograph.docs.render import render_html, render_svg

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = [
    "EXAMPLES_PER_CLASS",
    "ClassDoc",
    "Example",
    "OntologyDoc",
    "PropertyDoc",
    "TermDoc",
    "collect",
    "curie",
    "render_html",
    "render_svg",
    "write_docs",
]


def write_docs(
    kg_or_paths: KnowledgeGraph | Sequence[str | os.PathLike[str]] | None,
    out_dir: str | os.PathLike[str],
) -> list[Path]:
    """Write ``index.html`` and ``model.svg`` documenting the ontology into *out_dir*.

    *kg_or_paths* is a loaded graph, or data files and folders to load (``None``: the
    bundled reports). Each file is written atomically; *out_dir* must exist.

    Raises:
        OutputError: *out_dir* does not exist or is not writable (nothing is written).
    """
    from octograph.errors import OutputError
    from octograph.graph.load import KnowledgeGraph, load
    from octograph.output import write_file

    folder = Path(out_dir)
    if not folder.is_dir():
        raise OutputError("folder does not exist", path=str(folder))
    kg = kg_or_paths if isinstance(kg_or_paths, KnowledgeGraph) else load(kg_or_paths)
    doc = collect(kg)
    svg = render_svg(doc)
    written = []
    for name, text in (("model.svg", svg), ("index.html", render_html(doc, svg))):
        target = folder / name
        write_file(target, text.encode("utf-8"))
        written.append(target)
    return written
