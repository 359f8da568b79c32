"""A lexer for SPARQL text that follows the grammar's tokens: strings with their escapes, IRIs,
comments and prefixed names (with their escapes).

Whatever octograph reads off a query before running it (its form, SERVICE, FROM clauses, the
place to bind parameters) comes from these tokens, so that a keyword hidden in a string is not
seen and a keyword outside one is not missed: a plain regular expression over the text can be
fooled by ``'a\\''`` or ``ex:a\\'``.
"""

from __future__ import annotations

import re

__all__ = [
    "FORM_KEYWORD",
    "QueryShape",
    "close_brace",
    "inspect_query",
    "mask",
    "tokens",
    "where_group",
]

# One token at a time; the order of the alternatives matters: an IRI or a string is tried
# before the single characters that could start a comment, a string or a "<" operator.
# Repetitions are possessive (++, *+): an unterminated string or IRI fails in linear time.
_TOKEN = re.compile(
    r"""
      (?P<space>[^'"\#<\w?$:\\]+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>
          '''(?:[^'\\]++|\\.|'(?!''))*+'''
        | \"\"\"(?:[^"\\]++|\\.|"(?!""))*+\"\"\"
        | '(?:[^'\\\r\n]++|\\.)*+'
        | "(?:[^"\\\r\n]++|\\.)*+"
      )
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]++|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>)
    | (?P<var>[?$]\w*)
    | (?P<name>
          (?:[^\W\d][\w.-]*)?:(?:[\w.:%-]++|\\[_~.!$&'()*+,;=/?\#@%-])*+
        | [^\W\d]\w*
      )
    | (?P<other>.)
    """,
    re.S | re.X,
)

QUERY_FORMS = ("select", "ask", "construct", "describe")
UPDATE_WORDS = (
    "insert",
    "delete",
    "load",
    "clear",
    "drop",
    "create",
    "add",
    "move",
    "copy",
    "with",
)


class QueryShape:
    """What the lexer saw: the form (``select``... or ``update``) and the keywords of note."""

    # A plain class, not a typing.NamedTuple: importing typing costs ~5 ms of the CLI's start.
    __slots__ = ("form", "service", "update_word")

    def __init__(self, form: str | None, service: bool, update_word: str | None) -> None:
        self.form, self.service, self.update_word = form, service, update_word

    def __repr__(self) -> str:
        return (
            f"QueryShape(form={self.form!r}, service={self.service!r}, "
            f"update_word={self.update_word!r})"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, QueryShape) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))


def inspect_query(text: str) -> QueryShape:
    """The form of a SPARQL request and whether it uses SERVICE, from its tokens.

    >>> inspect_query("PREFIX ex: <http://e/#> SELECT * { ?s ex:service 'SERVICE' }")
    QueryShape(form='select', service=False, update_word=None)
    >>> inspect_query("ask { BIND('a\\\\'' AS ?x) service <http://e/> { } }").service
    True
    >>> inspect_query("# read\\nCLEAR ALL")
    QueryShape(form=None, service=False, update_word='clear')
    """
    form: str | None = None
    update_word: str | None = None
    service = False
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "name":
            continue
        word = match.group().lower()
        if word == "service":
            service = True
        elif form is None and update_word is None:
            if word in QUERY_FORMS:
                form = word
            elif word in UPDATE_WORDS:
                update_word = word
    return QueryShape(form, service, update_word)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """The tokens of *text* as (kind, start, end): space, comment, string, iri, var, name, other."""
    return [(m.lastgroup or "other", m.start(), m.end()) for m in _TOKEN.finditer(text)]


def mask(text: str) -> str:
    """*text* with strings, IRIs and comments blanked out, keeping every position.

    >>> mask("SELECT * { ?s ?p 'SERVICE' } # SERVICE")
    'SELECT * { ?s ?p           }          '
    """
    out = list(text)
    for kind, start, end in tokens(text):
        if kind in {"string", "iri", "comment"}:
            for i in range(start, end):
                if out[i] != "\n":
                    out[i] = " "
    return "".join(out)


# The query form's keyword, outside a variable or a prefixed name (masked text: no strings).
FORM_KEYWORD = r"(?i)(?<![?$\w:])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b"


def close_brace(masked: str, open_at: int) -> int:
    """The index of the brace that closes the one at *open_at* in *masked* text, or -1."""
    depth = 0
    for i in range(open_at, len(masked)):
        if masked[i] == "{":
            depth += 1
        elif masked[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def where_group(text: str) -> tuple[int, int] | None:
    """The offsets of the braces around the WHERE group of *text*, or None if it has none.

    >>> text = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }"
    >>> start, end = where_group(text)
    >>> text[start : end + 1]
    '{ ?s a ?c }'
    """
    masked = mask(text)
    m = re.search(FORM_KEYWORD, masked)
    if m is None:
        return None
    start = m.end()
    if m.group(1).upper() == "CONSTRUCT" and not re.match(r"\s*WHERE\b", masked[start:], re.I):
        template = masked.find("{", start)
        if template < 0 or close_brace(masked, template) < 0:
            return None
        start = close_brace(masked, template) + 1
    open_at = masked.find("{", start)
    if open_at < 0:
        return None
    close_at = close_brace(masked, open_at)
    return (open_at, close_at) if close_at >= 0 else None
