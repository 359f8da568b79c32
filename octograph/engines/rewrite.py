"""SPARQL text made to see octograph's dataset on a server, and answers made to read as Oxigraph's.

On a server, the union default graph that octograph's queries expect is a named graph of its
own, ``UNION_GRAPH``, written by ``octograph push``; a manifest graph lists the graphs the push
wrote. A query is sent with its WHERE group inside ``GRAPH <UNION_GRAPH> { ... }`` and each
``GRAPH ?var`` limited to the manifest's graphs, which means the same on every server whatever it
does with the protocol's ``default-graph-uri`` (Virtuoso keeps every graph visible to
``GRAPH ?g``, Oxigraph none but the ``named-graph-uri`` ones) and scales to any number of graphs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from octograph.errors import StoreError
from octograph.namespaces import ID, PREFIXES
from octograph.sparql.binding import values_block, with_values
from octograph.sparql.lexer import FORM_KEYWORD, close_brace, mask, where_group
from octograph.sparql.results import INTEGER_KINDS, XSD

__all__ = [
    "DCTERMS",
    "DEFAULT_PART_GRAPH",
    "MANIFEST_GRAPH",
    "MEMBERS",
    "UNION_GRAPH",
    "VOID",
    "canonical",
    "prologue",
    "query_form",
    "rewrite",
]

UNION_GRAPH = ID + "graph/union"
MANIFEST_GRAPH = ID + "graph/manifest"
# The part of the union that was loaded as default-graph triples (Turtle files), kept apart so
# that a snapshot gives back exactly the quads that were pushed.
DEFAULT_PART_GRAPH = ID + "graph/union/default-part"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
# In the manifest graph: the pushed graphs, the default-graph part and the union itself.
MEMBERS = (
    f"{{ <{UNION_GRAPH}> <{VOID}subset> ?g }} UNION {{ <{UNION_GRAPH}> <{DCTERMS}hasPart> ?g }} "
    f"UNION {{ BIND(<{UNION_GRAPH}> AS ?g) }}"
)


def canonical(term: Any) -> Any:
    """A literal in the canonical form Oxigraph gives it (Virtuoso says 1 for true, ...)."""
    if not isinstance(term, ox.Literal) or term.language:
        return term
    kind = term.datatype.value.removeprefix(XSD)
    value = term.value
    try:
        if kind == "boolean":
            return ox.Literal(
                "true" if value.strip() in {"1", "true"} else "false", datatype=term.datatype
            )
        if kind in INTEGER_KINDS:
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        if kind == "decimal":
            from decimal import Decimal

            d = Decimal(value)
            text = f"{d:f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return ox.Literal(text, datatype=term.datatype)
    except (ValueError, ArithmeticError):
        pass
    return term


# ---------------------------------------------------------------- query rewriting


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of the query *text*.

    >>> query_form("PREFIX a: <http://x/select> ASK { ?s ?p ?o }")
    'ASK'
    """
    m = re.search(FORM_KEYWORD, mask(text))
    return m.group(1).upper() if m else "SELECT"


def _close(masked: str, open_at: int) -> int:
    """The index of the brace that closes the one at *open_at*."""
    close_at = close_brace(masked, open_at)
    if close_at < 0:
        raise StoreError("unbalanced braces in the query")
    return close_at


# Patterns as text: re compiles (and caches) them on first use, not at the CLI's start.
_GRAPH_VAR = r"(?i)(?<![\w:])GRAPH\s+([?$]\w+)\s*\{"
_OWN_DATASET = r"(?i)(?<![?$\w:])FROM\b"


def rewrite(
    text: str,
    bindings: Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal] | None = None,
    *,
    membership: str = "join",
) -> str:
    """*text* made to see octograph's dataset on a server, with *bindings* as a VALUES block.

    The WHERE group goes inside ``GRAPH <UNION_GRAPH> { }`` (the union, a set, as default
    graph); every ``GRAPH ?var { }`` is kept to the graphs the manifest lists (not the union,
    not the server's own graphs), by a join with the manifest (*membership* ``"join"``) or a
    ``FILTER EXISTS`` on it (``"exists"``). A query that names its own dataset (FROM, FROM
    NAMED) is left alone, as a local store would read it.

    >>> print(rewrite("SELECT ?s WHERE { ?s a ?c }"))  # doctest: +NORMALIZE_WHITESPACE
    SELECT ?s WHERE { GRAPH <https://w3id.org/octograph/id/graph/union> { ?s a ?c } }
    """
    if membership not in ("join", "exists"):
        raise ValueError(f"membership is join or exists, not {membership!r}")
    values = values_block(bindings or {})
    if re.search(_OWN_DATASET, mask(text)):
        return (with_values(text, bindings) if bindings else None) or text
    member = f"<{MANIFEST_GRAPH}>"
    # From the last GRAPH ?var to the first: wrapping one changes no offset before it.
    starts = list(re.finditer(_GRAPH_VAR, mask(text)))
    for m in reversed(starts):
        masked = mask(text)
        end = _close(masked, m.end() - 1)
        var = m.group(1)
        # Either way no row is repeated: the manifest names each graph once. The join is the
        # safe shape (Virtuoso 7.2 loses the EXISTS filter in some queries but not the join);
        # the filter leaves the planner the query's own patterns to start from, where the
        # Oxigraph server starts from the join's list of every pushed graph.
        test = f"GRAPH {member} {{ <{UNION_GRAPH}> <{VOID}subset> {var} }}"
        if membership == "exists":
            test = f"FILTER EXISTS {{ {test} }}"
        text = f"{text[: m.start()]}{{ {text[m.start() : end + 1]} {test} }}{text[end + 1 :]}"
    group = where_group(text)
    if group is None:
        return text
    open_at, close_at = group
    # The values inside the union's group, at its top: outside it, a BIND or FILTER in the
    # group would be evaluated before they join (SPARQL evaluates a group bottom-up), and see
    # the parameters unbound where the embedded store has them bound.
    inner = f" {values}{text[open_at + 1 : close_at]}" if values else text[open_at + 1 : close_at]
    return f"{text[: open_at + 1]} GRAPH <{UNION_GRAPH}> {{{inner}}} {text[close_at:]}"


def prologue() -> str:
    """PREFIX lines for the prefixes every octograph query may use without declaring them."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
