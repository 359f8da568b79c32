"""SPARQL parse errors as people read them: a QueryError with the line and column."""

from __future__ import annotations

import re

from octograph.errors import QueryError
from octograph.namespaces import PREFIXES
from octograph.sparql.lexer import mask

__all__ = ["query_error", "undeclared_prefix"]

_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def query_error(e: SyntaxError, text: str) -> QueryError:
    """Oxigraph's SyntaxError about *text* as a QueryError with its place."""
    match = _ERROR_AT.match(e.msg)
    if not match:
        return QueryError(e.msg)
    line, column, what = int(match[1]), int(match[2]), match[3]
    undeclared = undeclared_prefix(text)
    if undeclared is not None:
        name, line, column = undeclared
        return QueryError(
            f'unknown prefix "{name}:" (declare it with PREFIX {name}: <...>)',
            path="query",
            line=line,
            column=column,
        )
    what = what.split("\n")[0]
    if len(what) > 120:
        what = what[:117].rsplit(",", 1)[0] + ", ..."
    return QueryError(what, path="query", line=line, column=column)


def undeclared_prefix(text: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix is neither predeclared nor declared in *text*."""
    masked = mask(text)
    declared = set(PREFIXES) | set(re.findall(r"(?i)\bPREFIX\s+([\w.-]*):", masked))
    for m in re.finditer(r"(?<![\w?$:])([A-Za-z][\w.-]*)?:(?=[\w(<]|\s)", masked):
        name = m.group(1) or ""
        if re.match(r"(?i)PREFIX\s*$", masked[max(0, m.start() - 8) : m.start()].strip() + " "):
            continue
        if name not in declared:
            line = masked.count("\n", 0, m.start()) + 1
            column = m.start() - (masked.rfind("\n", 0, m.start()) + 1) + 1
            return name, line, column
    return None
