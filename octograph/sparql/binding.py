"""Parameters as RDF terms, and where they go in a query: one VALUES row in its WHERE group."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from octograph.errors import QueryError
from octograph.namespaces import PREFIXES
from octograph.sparql.results import XSD, Term

__all__ = ["named_node", "term_from_text", "values_block", "with_values"]


def named_node(iri: str, given: str) -> ox.NamedNode:
    """*iri* as a term; a parameter *given* as an IRI that is not one is a QueryError."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        # Oxigraph's message quotes the offending character raw (a newline, a return).
        raise QueryError(f"parameter {given!r} is not a valid IRI") from None


def term_from_text(value: object) -> Term | None:
    """*value* as an RDF term where its form says which: a term, a bool, an int, an ``<IRI>``,
    an http(s) IRI or a CURIE of a predeclared prefix; None for text that can only be a label.

    >>> term_from_text("kg:france")
    <NamedNode value=https://w3id.org/octograph/id/france>
    >>> term_from_text("Budapest Convention") is None
    True
    """
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool):
        return ox.Literal(str(value).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    text = str(value).strip()
    if text.startswith("<") and text.endswith(">"):
        return named_node(text[1:-1], text)
    if re.match(r"https?://\S+$", text):
        return named_node(text, text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and " " not in text:
        return named_node(PREFIXES[prefix] + local, text)
    return None


def values_block(bindings: Mapping[str, Term]) -> str:
    """One VALUES row binding every parameter ("" for none).

    One block, not one per variable: Oxigraph starts its plan from a VALUES block and knows
    the variables of that block bound, so with two blocks it would plan the second variable as
    unknown (``path`` between two well-linked entities: 45 s instead of 30 ms). The terms are
    written by pyoxigraph's own serialiser, so a value can never change the shape of the query.

    >>> values_block({"a": ox.NamedNode("http://x/a"), "n": ox.Literal("1")})
    'VALUES (?a ?n) { (<http://x/a> "1") }'
    """
    if not bindings:
        return ""
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def with_values(text: str, bindings: Mapping[str, Term]) -> str | None:
    """*text* with its parameters in one VALUES row at the top of its WHERE group.

    None where the query has no WHERE group (``DESCRIBE ?x``): there is nowhere to put it.
    """
    from octograph.sparql.lexer import where_group

    group = where_group(text)
    if group is None:
        return None
    return f"{text[: group[0] + 1]} {values_block(bindings)} {text[group[0] + 1 :]}"
