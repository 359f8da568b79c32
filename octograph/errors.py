"""The errors octograph raises: each keeps the file, line and column it is about, where known."""

from __future__ import annotations

__all__ = [
    "InputError",
    "NotFoundError",
    "OctographError",
    "OutputError",
    "QueryError",
    "StoreError",
]


class OctographError(Exception):
    """Base of every error octograph raises on purpose.

    ``str(error)`` is one line: ``path:line:column: message`` with the parts that are known.

    >>> str(OctographError("unexpected end of file", path="a.ttl", line=3, column=11))
    'a.ttl:3:11: unexpected end of file'
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        # One line, always: parser messages sometimes carry newlines.
        self.message = " ".join(message.split())
        self.path = path
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [str(part) for part in (self.path, self.line, self.column) if part is not None]
        return ":".join([*where, f" {self.message}"]) if where else self.message


class InputError(OctographError):
    """A data file, text file or option that cannot be read or parsed."""


class QueryError(OctographError):
    """A SPARQL query that does not parse, or a named question that does not exist.

    >>> str(QueryError("expected a variable", path="query", line=2, column=7))
    'query line 2, column 7: expected a variable'
    """

    # The query's line with a caret under the column, for the edges to show below the
    # one-line message (sparql/syntax.py sets it); empty when there is no query text.
    excerpt = ""

    def __str__(self) -> str:
        if self.path == "query" and self.line is not None:
            return f"query line {self.line}, column {self.column}: {self.message}"
        return super().__str__()


class NotFoundError(OctographError):
    """Something asked for by name (an entity, a question, a format) is not there."""


class OutputError(OctographError):
    """A file that cannot be written."""


class StoreError(OctographError):
    """A store that cannot be opened or answers with an error."""
