"""The named questions that ship with octograph: SPARQL files with a header of their own."""

from __future__ import annotations

import re
from pathlib import Path

from octograph.errors import QueryError

__all__ = [
    "NamedQuestion",
    "Param",
    "get_question",
    "looks_like_name",
    "named_questions",
    "queries_dir",
    "question_groups",
]

# The topics of the questions' headers, in the order a page lists them; a topic not named
# here comes after these. Comparing reports needs two reports at least.
TOPICS = (
    "Threats and remedies",
    "Who is involved",
    "Instruments",
    "Values and tensions",
    "The report's text",
    "Exploring the graph",
    "Comparing reports",
)
COMPARISON = "Comparing reports"


class Param:
    """A parameter of a named question, with its default value (a label, IRI or literal)."""

    __slots__ = ("default", "description", "name")

    def __init__(self, name: str, default: str | None, description: str) -> None:
        self.name, self.default, self.description = name, default, description

    def __repr__(self) -> str:
        return f"Param({self.name!r}, default={self.default!r})"


class NamedQuestion:
    """A SPARQL file of octograph/sparql/queries with its header: title, description, parameters."""

    __slots__ = ("description", "empty", "name", "params", "path", "sparql", "title", "topic")

    def __init__(
        self,
        name: str,
        title: str,
        description: str,
        params: tuple[Param, ...],
        sparql: str,
        path: Path,
        *,
        topic: str = "",
        empty: str = "",
    ) -> None:
        self.name, self.title, self.description = name, title, description
        self.params, self.sparql, self.path = params, sparql, path
        # topic groups the questions on pages; empty says what an empty answer means.
        self.topic, self.empty = topic, empty

    def __repr__(self) -> str:
        return f"<NamedQuestion {self.name}: {self.title}>"


_PARAM = re.compile(r'(\w+)(?:\s*=\s*"([^"]*)")?\s*(?:[-\u2014:]\s*)?(.*)')


def parse_question(path: Path) -> NamedQuestion:
    """The question in the .rq file *path*: its header lines (``# key: value``) and SPARQL."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.lstrip("# ").partition(":")
        if sep:
            fields.setdefault(key.strip().lower(), []).append(value.strip())
    params = []
    for spec in fields.get("param", []):
        m = _PARAM.match(spec)
        if m:
            params.append(Param(m[1], m[2], m[3].strip()))
    return NamedQuestion(
        name=path.stem,
        title=" ".join(fields.get("title", [path.stem])),
        description=" ".join(fields.get("description", [])),
        params=tuple(params),
        sparql=text,
        path=path,
        topic=" ".join(fields.get("topic", [])),
        empty=" ".join(fields.get("empty", [])),
    )


def looks_like_name(text: str) -> bool:
    """Whether *text* is a named question's name rather than SPARQL.

    >>> looks_like_name("threats-by-message"), looks_like_name("ASK { ?s ?p ?o }")
    (True, False)
    """
    return re.fullmatch(r"[a-z0-9][a-z0-9-]*", text) is not None


def queries_dir() -> Path:
    """The folder of the named questions that ship with octograph."""
    return Path(__file__).resolve().parent / "queries"


def named_questions() -> dict[str, NamedQuestion]:
    """Every named question, by name, in name order."""
    return {p.stem: parse_question(p) for p in sorted(queries_dir().glob("*.rq"))}


def get_question(name: str) -> NamedQuestion:
    """The named question *name*; an unknown name suggests the closest names."""
    path = queries_dir() / f"{name}.rq"
    if "/" not in name and path.is_file():
        return parse_question(path)
    import difflib

    names = [p.stem for p in queries_dir().glob("*.rq")]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see octograph query --list"
    raise QueryError(f"no named question {name!r}{hint}")


def question_groups(
    questions: dict[str, NamedQuestion], reports: int
) -> list[tuple[str, list[NamedQuestion]]]:
    """The questions by topic, in TOPICS order, titles sorted within a topic.

    The questions that compare two reports are left out while fewer than two are loaded:
    compared with itself, a report answers them with nothing.
    """
    groups: dict[str, list[NamedQuestion]] = {}
    for q in sorted(questions.values(), key=lambda q: q.title.casefold()):
        topic = q.topic or "Other questions"
        if topic == COMPARISON and reports < 2:
            continue
        groups.setdefault(topic, []).append(q)
    rank = {t: i for i, t in enumerate(TOPICS)}
    return sorted(groups.items(), key=lambda g: (rank.get(g[0], len(TOPICS)), g[0]))
