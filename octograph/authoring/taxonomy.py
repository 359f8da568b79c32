"""Incident taxonomies: MISP machine-tag JSON -> SKOS concept schemes, and the SKOS checks.

A MISP taxonomy (``machinetag.json``) has a namespace, predicates and, under each predicate,
values; a machine tag is ``namespace:predicate="value"``. Each file becomes one
``skos:ConceptScheme`` in its own named graph; each predicate a top concept and each value a
concept narrower than its predicate. IRIs are stable, built from the machine tag itself:

=========================  ===========================================================
scheme                     ``https://w3id.org/octograph/id/taxonomy/{namespace}``
predicate (top concept)    ``.../taxonomy/{namespace}/{predicate}``
value                      ``.../taxonomy/{namespace}/{predicate}/{value}``
named graph                ``https://w3id.org/octograph/id/graph/taxonomy/{namespace}``
=========================  ===========================================================

Each segment is the MISP string percent-encoded as RFC 3986 asks for anything outside its
unreserved characters (``c&c`` -> ``c%26c``), so distinct tags never share an IRI, and the
case MISP uses is kept. ``skos:notation`` holds the machine tag itself.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from octograph.errors import InputError
from octograph.graph.skos import MATCHES
from octograph.namespaces import ID, PREFIXES

if TYPE_CHECKING:
    import rdflib


__all__ = [
    "LICENSE",
    "MATCHES",
    "MISP_COMMIT",
    "TAXONOMY",
    "TAXONOMY_GRAPH",
    "concept_iri",
    "convert",
    "import_file",
    "machine_tag",
    "misp_source",
]

TAXONOMY = ID + "taxonomy/"
TAXONOMY_GRAPH = ID + "graph/taxonomy/"
# The MISP commit the bundled files were taken from (see data/taxonomies/SOURCE.md).
MISP_COMMIT = "7591c551cce82552b9b21773e05f4a50bccfdfac"
# MISP taxonomies are dual-licensed CC0 1.0 or BSD-2-Clause; octograph redistributes them
# under CC0, the one that asks nothing of those who reuse the graph.
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"

SKOS = PREFIXES["skos"]
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"


def _segment(text: str) -> str:
    """*text* as one IRI path segment: RFC 3986 unreserved characters kept, the rest encoded.

    >>> _segment("c&c"), _segment("Outage-of-short-range-wireless-networks")
    ('c%26c', 'Outage-of-short-range-wireless-networks')
    """
    return quote(text, safe="")


def concept_iri(namespace: str, predicate: str | None = None, value: str | None = None) -> str:
    """The IRI of a scheme (namespace only), a predicate's concept or a value's concept.

    >>> concept_iri("rsit", "malicious-code", "c2-server")
    'https://w3id.org/octograph/id/taxonomy/rsit/malicious-code/c2-server'
    """
    parts = [namespace] + [p for p in (predicate, value) if p is not None]
    return TAXONOMY + "/".join(_segment(p) for p in parts)


def machine_tag(namespace: str, predicate: str, value: str | None = None) -> str:
    """The MISP machine tag of a predicate or a value (the concept's ``skos:notation``).

    >>> machine_tag("rsit", "malicious-code", "virus")
    'rsit:malicious-code="virus"'
    """
    tag = f"{namespace}:{predicate}"
    return f'{tag}="{value}"' if value is not None else tag


def misp_source(namespace: str, commit: str = MISP_COMMIT) -> str:
    """Where the MISP file of *namespace* lives upstream, at *commit*."""
    return f"https://github.com/MISP/misp-taxonomies/blob/{commit}/{namespace}/machinetag.json"


# ---------------------------------------------------------------- reading MISP JSON


def _text(value: Any) -> str:
    # Whitespace is normalised (MISP texts carry stray leading and double spaces).
    return " ".join(str(value).split()) if value is not None else ""


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(e.strerror or str(e), path=str(path)) from e
    except json.JSONDecodeError as e:
        raise InputError(e.msg, path=str(path), line=e.lineno, column=e.colno) from e
    if not isinstance(data, dict) or not _text(data.get("namespace")):
        raise InputError("not a MISP machine-tag taxonomy (no namespace)", path=str(path))
    predicates = data.get("predicates", [])
    values = data.get("values", []) or []
    if not isinstance(predicates, list) or not isinstance(values, list):
        raise InputError("predicates and values must be lists", path=str(path))
    return data


class _Entry:
    """A predicate or value: its machine-tag parts and texts."""

    def __init__(self, raw: dict[str, Any], path: Path) -> None:
        self.value = _text(raw.get("value"))
        if not self.value:
            raise InputError(f"an entry without a value: {raw!r:.80}", path=str(path))
        self.expanded = _text(raw.get("expanded")) or self.value
        self.description = _text(raw.get("description"))
        self.uuid = _text(raw.get("uuid"))


def _entries(data: dict[str, Any], path: Path) -> Iterator[tuple[_Entry, list[_Entry]]]:
    """Each predicate with its values, in the file's order; values of an undeclared predicate
    get a predicate entry of their own."""
    predicates = [_Entry(p, path) for p in data.get("predicates", [])]
    values: dict[str, list[_Entry]] = {}
    for block in data.get("values", []) or []:
        name = _text(block.get("predicate"))
        values.setdefault(name, []).extend(_Entry(e, path) for e in block.get("entry", []))
    known = {p.value for p in predicates}
    predicates += [_Entry({"value": name}, path) for name in values if name not in known]
    seen: set[str] = set()
    for predicate in predicates:
        children = values.get(predicate.value, [])
        tags = [predicate.value] + [f"{predicate.value}={c.value}" for c in children]
        duplicate = next((t for t in tags if t in seen), None)
        if duplicate is not None:
            raise InputError(f"machine tag {duplicate!r} is defined twice", path=str(path))
        seen.update(tags)
        yield predicate, children


# ---------------------------------------------------------------- converting


def _graph(data: dict[str, Any], path: Path, source: str) -> rdflib.Dataset:
    import rdflib
    from rdflib.namespace import SKOS as SKOS_NS

    namespace = _text(data["namespace"])
    ds = rdflib.Dataset()
    graph = ds.graph(rdflib.URIRef(TAXONOMY_GRAPH + _segment(namespace)))
    scheme = _scheme(graph, data, path, source)
    if _prefix_ok(namespace):
        ds.bind(namespace, TAXONOMY + _segment(namespace) + "/")
    for predicate, children in _entries(data, path):
        top = rdflib.URIRef(concept_iri(namespace, predicate.value))
        _describe(graph, top, SKOS_NS.Concept, predicate, machine_tag(namespace, predicate.value))
        graph.add((top, SKOS_NS.inScheme, scheme))
        graph.add((top, SKOS_NS.topConceptOf, scheme))
        graph.add((scheme, SKOS_NS.hasTopConcept, top))
        if children and _prefix_ok(f"{namespace}-{predicate.value}"):
            ds.bind(f"{namespace}-{predicate.value}", str(top) + "/")
        for child in children:
            node = rdflib.URIRef(concept_iri(namespace, predicate.value, child.value))
            tag = machine_tag(namespace, predicate.value, child.value)
            _describe(graph, node, SKOS_NS.Concept, child, tag)
            graph.add((node, SKOS_NS.inScheme, scheme))
            graph.add((node, SKOS_NS.broader, top))
            graph.add((top, SKOS_NS.narrower, node))
    return ds


def _scheme(graph: rdflib.Graph, data: dict[str, Any], path: Path, source: str) -> rdflib.URIRef:
    """Add the concept scheme of the taxonomy *data* to *graph*: title, source, licence."""
    import rdflib
    from rdflib.namespace import DCTERMS, OWL
    from rdflib.namespace import SKOS as SKOS_NS

    namespace = _text(data["namespace"])
    scheme = rdflib.URIRef(concept_iri(namespace))
    # A scheme without "expanded" (RSIT, eCSIRT.net) is labelled by its description, which
    # is then not repeated as its definition.
    description = _text(data.get("description"))
    title = _text(data.get("expanded"))
    if not title and description:
        title, description = description.rstrip("."), ""
    header = _Entry(
        {
            "value": namespace,
            "expanded": title or namespace,
            "description": description,
            "uuid": data.get("uuid"),
        },
        path,
    )
    _describe(graph, scheme, SKOS_NS.ConceptScheme, header, namespace)
    graph.add((scheme, DCTERMS.source, rdflib.URIRef(source)))
    graph.add((scheme, DCTERMS.license, rdflib.URIRef(LICENSE)))
    if data.get("version") is not None:
        graph.add((scheme, OWL.versionInfo, rdflib.Literal(_text(data["version"]))))
    return scheme


def _describe(
    graph: rdflib.Graph, node: rdflib.URIRef, kind: rdflib.URIRef, entry: _Entry, tag: str
) -> None:
    """Add *node*'s type, labels, notation (*tag*), definition and identifier to *graph*."""
    import rdflib
    from rdflib.namespace import DCTERMS, RDF, RDFS
    from rdflib.namespace import SKOS as SKOS_NS

    def en(text: str) -> rdflib.Literal:
        return rdflib.Literal(text, lang="en")

    graph.add((node, RDF.type, kind))
    # rdfs:label as well as skos:prefLabel: octograph's checks and views read rdfs:label.
    graph.add((node, RDFS.label, en(entry.expanded)))
    graph.add((node, SKOS_NS.prefLabel, en(entry.expanded)))
    graph.add((node, SKOS_NS.notation, rdflib.Literal(tag)))
    if entry.description:
        graph.add((node, SKOS_NS.definition, en(entry.description)))
    if entry.uuid:
        graph.add((node, DCTERMS.identifier, rdflib.Literal(entry.uuid)))


def _prefix_ok(name: str) -> bool:
    # A Turtle prefix name (PN_PREFIX) that reads well: letters, digits, '-', '_'.
    return re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", name) is not None


def convert(json_path: str | os.PathLike[str], *, source: str | None = None) -> bytes:
    """The MISP taxonomy at *json_path* as TriG: one SKOS concept scheme in its named graph.

    Deterministic: the same file gives the same bytes. *source* is the IRI recorded as the
    scheme's ``dcterms:source``; by default the file of the same namespace in MISP's
    repository at ``MISP_COMMIT``.

    Raises:
        InputError: the file is missing, is not JSON, or is not a MISP taxonomy.
    """
    path = Path(json_path)
    data = _read(path)
    namespace = _text(data["namespace"])
    origin = source or misp_source(namespace)
    ds = _graph(data, path, origin)
    body = ds.serialize(format="trig", encoding="utf-8")
    header = (
        f"# The MISP taxonomy {namespace!r} as a SKOS concept scheme, converted by\n"
        f"# `octograph taxonomy import` from {origin}\n"
        "# Generated: edit the MISP file and convert again rather than editing this one.\n\n"
    )
    return header.encode("utf-8") + body


def import_file(
    json_path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None
) -> bytes:
    """Convert *json_path* (see ``convert``); with *out*, also write it there atomically.

    This is what ``octograph taxonomy import FILE [-o OUT]`` runs.
    """
    from octograph.output import write_file

    data = convert(json_path)
    if out is not None:
        write_file(out, data)
    return data


# ---------------------------------------------------------------- checks
