"""What a query answers: rows of RDF terms, a boolean or triples, and their Python values."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from octograph.errors import NotFoundError

# Not typing.TYPE_CHECKING: importing typing costs ~5 ms of the CLI's start (mypy treats any
# name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["INTEGER_KINDS", "XSD", "Results", "Term", "python_value"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal
XSD = "http://www.w3.org/2001/XMLSchema#"
# The XML Schema datatypes whose values are integers (local names).
INTEGER_KINDS = frozenset(
    {
        "integer", "int", "long", "short", "byte", "positiveInteger", "nonNegativeInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
        "unsignedShort", "unsignedByte",
    }
)  # fmt: skip


def python_value(term: Term | None) -> object:
    """The Python value of an RDF term: int, Decimal, float, bool, date, or str.

    >>> python_value(ox.Literal("64", datatype=ox.NamedNode(XSD + "integer")))
    64
    >>> python_value(ox.NamedNode("https://w3id.org/octograph/id/france"))
    'https://w3id.org/octograph/id/france'
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    kind = term.datatype.value.removeprefix(XSD)
    try:
        if kind in INTEGER_KINDS:
            return int(term.value)
        if kind == "decimal":
            from decimal import Decimal  # imported when needed: ~4 ms at start-up otherwise

            return Decimal(term.value)
        if kind in {"double", "float"}:
            return float(term.value)
        if kind == "boolean":
            return term.value in {"true", "1"}
        if kind == "date":
            import datetime

            return datetime.date.fromisoformat(term.value)
    except ValueError:
        pass  # an ill-typed literal keeps its lexical form
    return term.value


class Results:
    """What a query returns: rows of terms (SELECT), a boolean (ASK) or triples.

    ``rows`` hold RDF terms; ``to_dicts()`` gives Python values, ``label(term)`` a term's label.
    """

    # Plain classes rather than dataclasses on the query path: see KnowledgeGraph.
    def __init__(
        self,
        kind: str,  # "select", "ask" or "graph"
        variables: list[str] | None = None,
        rows: list[tuple[Term | None, ...]] | None = None,
        boolean: bool | None = None,
        triples: list[ox.Triple] | None = None,
    ) -> None:
        self.kind = kind
        self.variables = variables or []
        self.rows = rows or []
        self.boolean = boolean
        self.triples = triples or []
        self.labels: dict[str, str] = {}
        self.truncated = False

    def __repr__(self) -> str:
        return (
            f"<Results {self.kind}: {len(self)} {'rows' if self.kind == 'select' else 'triples'}>"
        )

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def __iter__(self) -> Iterator[dict[str, object]]:
        return iter(self.to_dicts())

    def label(self, term: Term | None) -> str:
        """The label of *term* where the graph has one, else its value."""
        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            return self.labels.get(term.value, term.value)
        return str(python_value(term))

    def to_dicts(self) -> list[dict[str, object]]:
        """The rows as dicts of Python values (unbound variables are None)."""
        return [
            {v: python_value(t) for v, t in zip(self.variables, row, strict=True)}
            for row in self.rows
        ]

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (pandas is optional: install it to use this)."""
        try:
            import pandas as pd
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise NotFoundError("pandas is not installed (pip install pandas)") from e
        return pd.DataFrame(self.to_dicts(), columns=self.variables)
