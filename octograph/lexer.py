"""A lexer for SPARQL text that follows the grammar's tokens: strings with their escapes, IRIs,
comments and prefixed names (with their escapes).

Whatever octograph reads off a query before running it (its form, SERVICE, FROM clauses, the
place to bind parameters) comes from these tokens, so that a keyword hidden in a string is not
seen and a keyword outside one is not missed: a plain regular expression over the text can be
fooled by ``'a\\''`` or ``ex:a\\'``.
"""

from __future__ import annotations

import re

__all__ = ["QueryShape", "inspect_query", "mask", "tokens"]

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
