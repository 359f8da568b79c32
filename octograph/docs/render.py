"""The documentation as text: the HTML page and the SVG diagram, from autoescaped templates."""

from __future__ import annotations

import functools
import importlib.resources

import jinja2
from markupsafe import Markup

from octograph.docs.diagram import LINE_HEIGHT, draw
from octograph.docs.model import OntologyDoc, curie
from octograph.namespaces import ID, OCTO

__all__ = ["render_html", "render_svg"]


@functools.cache
def _environment() -> jinja2.Environment:
    """The templates of octograph/docs; built on first use, not at import time."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("octograph.docs", "templates"),
        # The SVG is XML: the same escaping keeps a label from closing an element there too.
        autoescape=jinja2.select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["curie"] = curie
    env.filters["px"] = _px
    env.filters["px0"] = _px0
    return env


def _px(x: float) -> str:
    """A coordinate to a tenth of a pixel: enough for the drawing, short in the file."""
    return f"{x:.1f}"


def _px0(x: float) -> str:
    """A canvas size, in whole pixels."""
    return f"{x:.0f}"


def render_svg(doc: OntologyDoc) -> str:
    """The model as SVG: top classes as boxes, object properties as labelled arrows.

    Deterministic: the layout depends on the ontology only, so the same ontology gives the
    same drawing.
    """
    svg = _environment().get_template("model.svg")
    return svg.render(d=draw(doc), line_height=LINE_HEIGHT) + "\n"


def render_html(doc: OntologyDoc, svg: str) -> str:
    """The documentation page: header, diagram (*svg*, inline), classes, properties, reused."""
    documented = [*doc.classes, *doc.properties]
    object_props = [p for p in doc.properties if p.kind == "owl:ObjectProperty"]
    other_props = [p for p in doc.properties if p.kind != "owl:ObjectProperty"]
    page = _environment().get_template("docs.html")
    style = importlib.resources.files("octograph.docs").joinpath("static", "docs.css")
    return (
        page.render(
            doc=doc,
            # Markup: render_svg's own output, already escaped by its template.
            svg=Markup(svg),
            style=Markup(style.read_text(encoding="utf-8")),
            octo=OCTO,
            entities=ID,
            anchors={t.iri: t.iri.removeprefix(OCTO) for t in documented},
            domain_of={
                c.iri: [p.iri for p in doc.properties if c.iri in p.domains] for c in doc.classes
            },
            range_of={
                c.iri: [p.iri for p in doc.properties if c.iri in p.ranges] for c in doc.classes
            },
            property_groups=[
                ("object-properties", "Object properties", object_props),
                ("datatype-properties", "Datatype and annotation properties", other_props),
            ],
        )
        + "\n"
    )
