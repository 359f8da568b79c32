"""SPARQL parse errors as people read them: what is wrong in words, the line, a caret.

Oxigraph reports where its parser stopped and the set of tokens it would have taken there
(`expected one of ",", ".", ";", ...`): exact, and of no use to someone who left a brace
open. The query's own tokens say more: which group is still open, which triple pattern
lacks its object, which string never ends. The parser's position is the fallback.
"""

from __future__ import annotations

import re

from octograph.errors import QueryError
from octograph.namespaces import PREFIXES
from octograph.sparql.lexer import inspect_query, mask, tokens

__all__ = ["diagnose", "excerpt", "query_error", "undeclared_prefix"]

_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
# Words after which a new pattern (or an expression, or a group) starts: no triple is open.
_PATTERN_WORDS = {
    "filter", "optional", "bind", "values", "graph", "union", "minus", "service", "select",
    "where", "construct", "describe", "ask", "from", "named", "exists", "not", "as",
}  # fmt: skip
_TERMS = {"var", "iri", "string", "name", "number"}


def query_error(e: SyntaxError, text: str) -> QueryError:
    """Oxigraph's SyntaxError about *text* as a QueryError in plain words, with its place."""
    shape = inspect_query(text)
    if shape.form is None and shape.update_word is not None:
        return QueryError(
            f"{shape.update_word.upper()} is a SPARQL update: octograph never changes the graph; "
            "ask with SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    undeclared = undeclared_prefix(text)
    if undeclared is not None:
        name, line, column = undeclared
        return _at(
            text, f'unknown prefix "{name}:" (declare it with PREFIX {name}: <...>)', line, column
        )
    found = diagnose(text)
    if found is not None:
        return _at(text, *found)
    match = _ERROR_AT.match(e.msg)
    if not match:
        return QueryError(e.msg)
    line, column = int(match[1]), int(match[2])
    return _at(text, _in_words(text, match[3], line, column), line, column)


def _at(text: str, message: str, line: int, column: int) -> QueryError:
    error = QueryError(message, path="query", line=line, column=column)
    error.excerpt = excerpt(text, line, column)
    return error


def excerpt(text: str, line: int, column: int) -> str:
    """The query's *line* and a caret under *column* (both counted from 1).

    >>> print(excerpt("SELECT *\\nWHERE { ?s ?p", 2, 14))
      WHERE { ?s ?p
                   ^
    """
    lines = text.split("\n")
    shown = lines[line - 1].rstrip("\r").expandtabs(1) if 0 < line <= len(lines) else ""
    return f"  {shown.rstrip()}\n  {' ' * (column - 1)}^"


def _place(text: str, offset: int) -> tuple[int, int]:
    """(line, column), from 1, of *offset* in *text*."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def diagnose(text: str) -> tuple[str, int, int] | None:
    """What is wrong with *text*, in words, where the tokens alone show it: an open string,
    a triple pattern without its object, a group never closed or closed twice.

    >>> diagnose("SELECT * WHERE { ?s ?p ?o")
    ('the group opened at line 1, column 16 is not closed: a "}" is missing', 1, 26)
    """
    # The open braces, each with the parentheses open around it (EXISTS { } in a FILTER).
    groups: list[tuple[int, list[int]]] = []
    parens: list[int] = []  # offsets of the open parentheses: an expression, not a pattern
    terms = 0  # terms of the triple pattern being written
    joined = lost = False
    for kind, start, piece in _pieces(text):
        if kind == "other" and piece in {'"', "'"}:
            return ("the string that starts here is not closed", *_place(text, start))
        if piece == "{":
            groups.append((start, parens))
            parens, terms = [], 0
        elif piece == "}":
            if parens:
                return _unclosed("parenthesis", text, parens[-1], start)
            if terms in (1, 2) and not lost:
                return _incomplete(text, terms, start)
            if not groups:
                return ('this "}" closes no group', *_place(text, start))
            parens, terms = groups.pop()[1], 0
        elif piece == "(":
            parens.append(start)
            terms = 0
        elif parens:
            if piece == ")":
                parens.pop()
        elif piece in {".", ";", ","}:
            terms = {".": 0, ";": 1, ",": 2}[piece]
        elif kind == "name" and piece.lower() in _PATTERN_WORDS:
            terms = 0
        elif piece in {"|", "/"}:
            joined = True  # a property path: the next name is part of the same predicate
        elif kind in _TERMS or piece == "[":
            if not joined:
                terms += 1
            joined = False
            # More than three terms: a construct this reading does not know (a collection,
            # a keyword); it stops judging triples rather than judge them wrong.
            lost = lost or terms > 3
    end = len(text.rstrip())
    if parens:
        return _unclosed("parenthesis", text, parens[-1], end)
    if groups and terms in (1, 2) and not lost:
        return _incomplete(text, terms, end)
    if groups:
        return _unclosed("group", text, groups[-1][0], end)
    return None


def _unclosed(what: str, text: str, opened: int, at: int) -> tuple[str, int, int]:
    line, column = _place(text, opened)
    close = "}" if what == "group" else ")"
    return (
        f'the {what} opened at line {line}, column {column} is not closed: a "{close}" is missing',
        *_place(text, at),
    )


def _pieces(text: str) -> list[tuple[str, int, str]]:
    """The tokens of *text* as (kind, offset, text), punctuation one character at a time.

    The lexer keeps punctuation in its "space" runs (it needs only strings, IRIs and
    names); here each brace, parenthesis and separator counts.
    """
    out: list[tuple[str, int, str]] = []
    for kind, start, end in tokens(text):
        if kind == "comment":
            continue
        if kind != "space":
            out.append((kind, start, text[start:end]))
            continue
        out += [("other", i, text[i]) for i in range(start, end) if text[i] in "{}().;,[|/"]
    # Numbers are no token of the lexer: one term each, and the point in 1.5 no separator.
    numbers = [(m.start(), m.group()) for m in re.finditer(r"(?<![\w.])[0-9]+(?:\.[0-9]+)?", text)]
    inside = {i for start, number in numbers for i in range(start, start + len(number))}
    out = [p for p in out if p[1] not in inside] + [("number", i, n) for i, n in numbers]
    return sorted(out, key=lambda p: p[1])


def _incomplete(text: str, terms: int, offset: int) -> tuple[str, int, int]:
    missing = "the object is missing" if terms == 2 else "the predicate and object are missing"
    return (
        f"a triple pattern needs a subject, a predicate and an object: {missing}",
        *_place(text, offset),
    )


def _in_words(text: str, expected: str, line: int, column: int) -> str:
    """The parser's complaint at (*line*, *column*) without its token set."""
    lines = text.split("\n")
    rest = lines[line - 1][column - 1 :] if 0 < line <= len(lines) else ""
    found = rest.split()[0] if rest.split() else ""
    if not re.search(r"(?i)(?<![?$\w:])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", mask(text)):
        return "a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX lines)"
    words = re.findall(r'(?<![\w"])([A-Z]{2,})(?![\w"])', expected.split("\n")[0])
    if len(words) == 1 and "one of" not in expected:
        return f"{words[0]} is missing here" + (f", before {found!r}" if found else "")
    if not found:
        return (
            "the query does not read as SPARQL: something before this point is missing or misplaced"
        )
    return f"{found!r} does not fit here"


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
