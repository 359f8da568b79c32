"""The graph view as one self-contained HTML page: template, inlined scripts and styles, CSP."""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.resources
import importlib.util
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from octograph.errors import OctographError
from octograph.view.arrange import LABEL_SHOWN

__all__ = ["csp_hash", "frame_html", "page_html", "vis_options"]

_RANDOM_SEED = 42

# pyvis is the project's chosen vis.js dependency, but only its bundled vis-network build is
# used. Its Network.add_node loop is quadratic (a membership test on a list per node), its
# template pulls Bootstrap from a CDN even in "in_line" mode, switches to innerHTML for titles
# containing "href", leaves the heading unescaped, and write_html copies a lib/ folder into
# the working directory. So the node and edge data are built in page.py and the page is
# rendered here. find_spec locates the package without importing it, which would import IPython.
_VIS_VERSION = "vis-9.1.2"
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


@functools.cache
def _environment() -> jinja2.Environment:
    """The templates of octograph/view; built on first use, not at import time."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("octograph.view", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def _static(name: str) -> str:
    """A file of octograph/view/static, exactly as shipped (its hash goes into the CSP)."""
    return importlib.resources.files("octograph.view").joinpath("static", name).read_text("utf-8")


def _vis_assets() -> tuple[str, str]:
    """The CSS and JavaScript of the vis-network build that ships inside pyvis."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise OctographError("cannot build the graph page: the pyvis package is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / _VIS_VERSION
    try:
        css = (folder / "vis-network.css").read_text(encoding="utf-8")
        js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    except OSError as e:
        raise OctographError(
            f"cannot build the graph page: pyvis has no {_VIS_VERSION} ({e.strerror})",
            path=str(folder),
        ) from e
    # The source map is not shipped; the comment would only make devtools ask for it.
    return css, _SOURCE_MAP.sub("", js)


def csp_hash(source: str) -> str:
    """The Content-Security-Policy source expression allowing exactly this inline text.

    >>> csp_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def page_html(title: str, data: str, nav: Sequence[tuple[str, str, bool]] = ()) -> str:
    """The page: vis-network, view.css and view.js inlined, *data* in a JSON block.

    *data* is the JSON text view.js reads (see GraphView._page_data), made safe inside a
    script element by pack.pack. *nav*,
    links ``(href, label, current)`` above the page, is the server's navigation bar.
    """
    vis_css, vis_js = _vis_assets()
    scripts = [vis_js, _static("view.js")]
    styles = [vis_css, _static("view.css")]
    # Only the page's own scripts and styles may run (by hash), and nothing may be fetched:
    # even if some text escaped the escaping, an injected handler would not execute.
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(csp_hash(s) for s in scripts),
            "style-src " + " ".join(csp_hash(s) for s in styles),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    return (
        _environment()
        .get_template("view.html")
        .render(
            title=title,
            nav=nav,
            csp=csp,
            data=Markup(data),
            # Markup: our own files, inlined verbatim so that the text hashed above is the text
            # the browser hashes; escaping them would change both the code and its hash.
            scripts=[Markup(s) for s in scripts],
            styles=[Markup(s) for s in styles],
        )
    )


def frame_html(title: str, page: str) -> str:
    """*page* as a sandboxed iframe (for Jupyter): the page is an escaped srcdoc attribute."""
    return _environment().get_template("frame.html").render(title=title, page=page)


def vis_options(big: bool) -> dict[str, Any]:
    """vis-network options; big graphs trade hover and edges-while-dragging for speed."""
    return {
        "autoResize": True,
        "layout": {"randomSeed": _RANDOM_SEED, "improvedLayout": False},
        # The positions come settled from Python; the simulation is only the page's toggle,
        # and starts from them without a stabilisation pass that would move them first.
        "physics": {
            "enabled": False,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -80,
                "springLength": 110,
                "avoidOverlap": 0.3,
            },
            "stabilization": {"enabled": False},
        },
        "nodes": {
            "borderWidth": 0 if big else 1,  # stroking 10,000 borders costs a quarter second
            "font": {"size": 14, "color": "#222222"},
            # A label is drawn in full once it is 8 px on screen (from 7 px vis fades it in):
            # the big labels of key messages and hubs at the first zoom, the others as one
            # zooms in; and never over 18 px, so that zooming in does not blow the big ones up
            # (view.js caps the font as one zooms: vis's maxVisible only stops the fading).
            # arrange.LABEL_SHOWN is the same 8 px.
            "scaling": {"label": {"drawThreshold": LABEL_SHOWN, "maxVisible": 18}},
        },
        "edges": {
            # On big graphs arrowheads come as one zooms in (view.js), like the labels.
            "arrows": {"to": {"enabled": not big, "scaleFactor": 0.6}},
            "color": {"color": "#9aa0a6", "highlight": "#333333", "hover": "#333333"},
            "font": {"size": 11, "color": "#444444", "strokeWidth": 3, "align": "middle"},
            # Edge labels from zoom 1.1 on, past the first picture (fitted at zoom 1 at most).
            "scaling": {"label": {"drawThreshold": 13}},
            "smooth": False,
            "width": 1,
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": not big,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "keyboard": False,
            "multiselect": False,
        },
    }
