"""SELECT results as a table for people: one column per thing, fitted to the terminal's width.

Written here rather than with a table library: the rules are few (labels for IRIs, wrap
rather than cut, numbers to the right) and the command line must start in a blink.
"""

from __future__ import annotations

import pyoxigraph as ox

from octograph.sparql.results import INTEGER_KINDS, XSD, Results, Term

__all__ = ["columns", "empty_sentence", "header_text", "to_table"]

GAP = "  "
MIN_WIDTH = 6
MAX_WORD = 16
NUMERIC = {XSD + kind for kind in INTEGER_KINDS | {"decimal", "double", "float"}}
EMPTY = "No rows: nothing in the loaded graphs matches the query."


def columns(results: Results) -> list[int]:
    """The indexes of the variables shown: a ``xLabel`` twin of an IRI column ``x`` goes.

    The IRI column shows the label itself (in the language asked for), so the twin would
    print the same text again beside it.

    >>> r = Results("select", ["threat", "threatLabel", "n"], [])
    >>> columns(r)
    [0, 2]
    """
    names = results.variables
    return [i for i, v in enumerate(names) if not (v.endswith("Label") and v[:-5] in names)]


def header_text(name: str) -> str:
    """A variable's name as a column header: words, not camelCase.

    >>> header_text("messageNumber"), header_text("why_quotes")
    ('message number', 'why quotes')
    """
    words: list[str] = []
    for part in name.split("_"):
        word = ""
        for ch in part:
            if ch.isupper() and word and not word[-1].isupper():
                words.append(word)
                word = ""
            word += ch.lower() if ch.isupper() and not word else ch
        words.append(word)
    return " ".join(w for w in words if w)


def empty_sentence(meaning: str | None) -> str:
    """What an empty answer means: the question's own sentence, or the general one."""
    return (meaning or EMPTY).strip()


def _cell(results: Results, row: tuple[Term | None, ...], i: int, iris: bool) -> str:
    """The text of one cell: an IRI's label (or the IRI), a literal's value."""
    term = row[i]
    if not isinstance(term, ox.NamedNode):
        return results.label(term)
    if iris:
        return term.value
    if term.value in results.labels:
        return results.labels[term.value]
    # No label in the graph: the query's own label column, where it bound one.
    twin = results.variables[i] + "Label"
    if twin in results.variables and row[results.variables.index(twin)] is not None:
        return results.label(row[results.variables.index(twin)])
    return term.value


def _fit(natural: list[int], floors: list[int], width: int) -> list[int]:
    """Column widths that fit *width*: each column first gets its floor (its longest word,
    within reason), then the room left is shared out, the narrow columns served first.

    >>> _fit([30, 14, 40], [10, 6, 12], 60)
    [20, 14, 22]
    """
    room = width - len(GAP) * (len(natural) - 1)
    widths = [min(n, f) for n, f in zip(natural, floors, strict=True)]
    if sum(widths) > room:
        # Too many columns for this terminal: shrink the widest to a few characters; if
        # that is still too wide the lines stay long rather than lose columns.
        while sum(widths) > room and max(widths) > MIN_WIDTH:
            widths[widths.index(max(widths))] -= 1
        return widths
    left = room - sum(widths)
    hungry = [i for i, n in enumerate(natural) if widths[i] < n]
    while left > 0 and hungry:
        share = max(1, left // len(hungry))
        for i in sorted(hungry, key=lambda i: natural[i] - widths[i]):
            given = min(share, natural[i] - widths[i], left)
            widths[i] += given
            left -= given
        hungry = [i for i in hungry if widths[i] < natural[i]]
    return widths


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    lines: list[str] = []
    for paragraph in text.split("\n"):
        paragraph = " ".join(paragraph.split())
        lines += textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""]
    return lines


def to_table(
    results: Results, *, iris: bool = False, width: int = 80, empty: str | None = None
) -> str:
    """An aligned table no wider than *width*: long cells wrap, numbers align right.

    IRIs show as their labels (``iris=True`` shows the IRIs); an empty answer is the
    sentence *empty* (what emptiness means for the question) instead of a bare header.
    An answer with more columns than the width can hold side by side is shown row by
    row, one ``column  value`` line each (psql's expanded display).
    """
    if not results.rows:
        return "\n".join(_wrap(empty_sentence(empty), max(width, 20))) + "\n"
    shown = columns(results)
    headers = [header_text(results.variables[i]) for i in shown]
    body = [[_cell(results, row, i, iris) for i in shown] for row in results.rows]
    numeric = [
        all(
            isinstance(t, ox.Literal) and t.datatype.value in NUMERIC
            for t in (row[i] for row in results.rows)
            if t is not None
        )
        for i in shown
    ]
    natural = [
        max([len(h), *(len(line) for r in body for line in r[c].split("\n"))])
        for c, h in enumerate(headers)
    ]
    # A column's floor: its longest word (up to MAX_WORD: an IRI may break) and its header's.
    floors = [
        min(natural[c], max(MIN_WIDTH, *(len(w) for w in headers[c].split()), *(
            min(len(w), MAX_WORD) for r in body for w in r[c].split()
        )))
        for c in range(len(headers))
    ]  # fmt: skip
    if sum(floors) + len(GAP) * (len(floors) - 1) > width:
        lines = _records(headers, body, width)
    else:
        widths = _fit(natural, floors, width)
        lines = _row_lines(headers, widths, [False] * len(widths))
        lines.append(GAP.join("-" * w for w in widths))
        for r in body:
            lines += _row_lines(r, widths, numeric)
    n = len(body)
    summary = f"{n} row{'s' if n != 1 else ''}"
    if results.truncated:
        summary += " (cut by --limit; there are more)"
    return "\n".join([*lines, summary]) + "\n"


def _records(headers: list[str], body: list[list[str]], width: int) -> list[str]:
    """Each row as a block of ``column  value`` lines, values wrapped to the width."""
    label = max(len(h) for h in headers)
    room = max(width - label - len(GAP), MIN_WIDTH)
    lines: list[str] = []
    for n, row in enumerate(body, 1):
        lines.append(f"-- row {n} " + "-" * max(0, min(width, 40) - len(f"-- row {n} ")))
        for header, value in zip(headers, row, strict=True):
            wrapped = _wrap(value, room)
            lines.append(f"{header.ljust(label)}{GAP}{wrapped[0]}".rstrip())
            lines += [f"{' ' * (label + len(GAP))}{more}" for more in wrapped[1:]]
    return lines


def _row_lines(cells: list[str], widths: list[int], right: list[bool]) -> list[str]:
    """One row of the table as as many lines as its tallest wrapped cell."""
    wrapped = [_wrap(c, w) for c, w in zip(cells, widths, strict=True)]
    height = max(len(w) for w in wrapped)
    out = []
    for k in range(height):
        texts = [w[k] if k < len(w) else "" for w in wrapped]
        parts = [
            t.rjust(width) if r else t.ljust(width)
            for t, width, r in zip(texts, widths, right, strict=True)
        ]
        out.append(GAP.join(parts).rstrip())
    return out
