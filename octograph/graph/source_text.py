"""The report's text is kept twice: report.txt and the octo:content literal. They must agree.

AUTHORING.md says the offsets point into report.txt, while the checks of the quotes read the
literal; an edit to one copy alone would pass those checks. This compares them to the
character and names the first difference by line and column of report.txt.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from octograph.formats import DATA_SUFFIXES
from octograph.namespaces import OCTO

__all__ = ["REPORT_TEXT", "first_difference", "text_problems"]

REPORT_TEXT = "report.txt"


def first_difference(text: str, copy: str) -> str | None:
    """Where *copy* first differs from *text*: line and column in *text*, and both sides.

    >>> first_difference("one\\ntwo\\n", "one\\ntwo\\n") is None
    True
    >>> first_difference("one\\ntwo", "one\\ntoo")
    "line 2, column 2: report.txt has 'wo', the literal has 'oo'"
    """
    if text == copy:
        return None
    at = next((i for i, (a, b) in enumerate(zip(text, copy, strict=False)) if a != b), None)
    if at is None:
        at = min(len(text), len(copy))  # one is the other cut short
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    ours, theirs = text[at : at + 20] or "(the end)", copy[at : at + 20] or "(the end)"
    return f"line {line}, column {column}: report.txt has {ours!r}, the literal has {theirs!r}"


def text_problems(files: Iterable[Path]) -> Iterator[tuple[str, str]]:
    """(report.txt's path, what is wrong) for each folder of *files* holding a report.txt.

    The literal compared is the octo:content that the data files of the same folder state.
    """
    folders: dict[Path, list[Path]] = {}
    for path in files:
        folders.setdefault(Path(path).parent, []).append(Path(path))
    content = OCTO + "content"
    for folder, paths in sorted(folders.items()):
        source = folder / REPORT_TEXT
        if not source.is_file():
            continue
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            yield str(source), f"cannot be read: {getattr(e, 'strerror', None) or e}"
            continue
        literals = [
            quad.object.value
            for path in paths
            for quad in ox.parse(path=os.fspath(path), format=_format(path))
            if quad.predicate.value == content
        ]
        if not literals:
            yield str(source), "no data file beside it states its text (octo:content)"
        elif text not in literals:
            yield (
                str(source),
                "differs from octo:content at " + str(first_difference(text, literals[0])),
            )


def _format(path: Path) -> ox.RdfFormat:
    return DATA_SUFFIXES[path.suffix.lower()]
