"""How sure a passage is: its modal words, and the check that the graph keeps them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from octograph.graph.load import KnowledgeGraph

__all__ = ["LEXICON", "ModalWord", "modal_words", "modality_problems"]

# Each modal word and what it makes of a statement: a modality the graph must give it, or
# "if" (a condition) and "whatever" (a claim made regardless of something), which the graph
# must keep in a statement's octo:modalWords. Kept short and literal on purpose: a word the
# list misses goes unchecked, where a clever pattern would flag sentences that hedge nothing.
LEXICON: tuple[tuple[str, str], ...] = (
    (r"may", "may"),
    (r"might", "may"),
    (r"could", "may"),
    (r"likely", "likely"),
    (r"would", "likely"),
    (r"must", "must"),
    (r"needs? to", "must"),
    (r"need for", "must"),
    (r"needed", "must"),
    (r"requires?", "must"),
    (r"required", "must"),
    (r"necessary", "must"),
    (r"crucial", "must"),
    (r"should", "should"),
    (r"important to", "should"),
    (r"if", "if"),
    (r"whatever", "whatever"),
)
_PATTERN = re.compile(
    "|".join(rf"(?P<w{i}>\b{word}\b)" for i, (word, _) in enumerate(LEXICON)), re.IGNORECASE
)


@dataclass(frozen=True)
class ModalWord:
    """A modal word as it stands in a text: its characters, where, and what it signals."""

    word: str
    start: int
    kind: str


def modal_words(text: str) -> list[ModalWord]:
    """The modal words of *text*, in order.

    >>> [(m.word, m.kind) for m in modal_words("Disinformation may have the same effect.")]
    [('may', 'may')]
    """
    found = []
    for match in _PATTERN.finditer(text):
        index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
        found.append(ModalWord(match.group(), match.start(), LEXICON[index][1]))
    return found


@dataclass(frozen=True)
class _Said:
    """A modal statement (qualified statement or requirement) of one passage graph."""

    modality: str
    words: tuple[str, ...]
    conditional: bool


def _rows(kg: KnowledgeGraph, query: str) -> Iterable[dict[str, str]]:
    answer = kg.engine.query(query, {})
    for row in answer.rows:
        yield {
            v: ("" if t is None else t.value) for v, t in zip(answer.variables, row, strict=True)
        }


def _passages(kg: KnowledgeGraph) -> dict[str, tuple[str, set[str]]]:
    """Each passage -> its quote and the words it marks as not modal."""
    passages: dict[str, tuple[str, set[str]]] = {}
    for r in _rows(
        kg,
        """SELECT ?p ?exact ?non WHERE {
             ?p a octo:Passage ; oa:hasSelector ?s . ?s oa:exact ?exact .
             OPTIONAL { ?p octo:nonModalWord ?non } }""",
    ):
        passages.setdefault(r["p"], (r["exact"], set()))[1].add(r["non"].lower())
    return passages


def _said(kg: KnowledgeGraph) -> dict[str, list[_Said]]:
    """Each passage -> its modal statements; a plain octo:conditionFor counts as a condition."""
    grouped: dict[tuple[str, str], tuple[str, list[str], bool]] = {}
    for r in _rows(
        kg,
        """SELECT ?p ?s ?m ?w ?c WHERE { ?p a octo:Passage .
             GRAPH ?p { ?s octo:modality ?m ; octo:modalWords ?w
                        OPTIONAL { ?s octo:onCondition ?c } } }""",
    ):
        modality = r["m"].rsplit("#", 1)[-1]
        entry = grouped.setdefault((r["p"], r["s"]), (modality, [], False))
        grouped[(r["p"], r["s"])] = (modality, [*entry[1], r["w"]], entry[2] or bool(r["c"]))
    said: dict[str, list[_Said]] = {}
    for (passage, _), (modality, words, conditional) in grouped.items():
        said.setdefault(passage, []).append(_Said(modality, tuple(words), conditional))
    for r in _rows(
        kg, "SELECT DISTINCT ?p WHERE { ?p a octo:Passage . GRAPH ?p { ?a octo:conditionFor ?b } }"
    ):
        said.setdefault(r["p"], []).append(_Said("states", (), True))
    return said


def _accounts(said: _Said, found: ModalWord) -> bool:
    """Whether a modal statement accounts for a modal word of its passage."""
    if found.kind == "if" and said.conditional and not said.words:
        return True  # a plain octo:conditionFor: the relation itself says "if"
    carries = any(m.word.lower() == found.word.lower() for w in said.words for m in modal_words(w))
    if found.kind in ("if", "whatever"):
        return carries and (found.kind == "whatever" or said.conditional)
    return carries and said.modality == found.kind


def modality_problems(kg: KnowledgeGraph) -> tuple[int, list[tuple[str, str]]]:
    """Check every passage's modal words against its graph's modalities.

    Returns the number of modal words checked and, per problem, the passage and a message:
    a modal word no statement of its passage carries with a matching modality (a "may" that
    only plain facts render), modal words that are not the passage's, and a modality its
    own words do not give.
    """
    passages, said = _passages(kg), _said(kg)
    problems: list[tuple[str, str]] = []
    checked = 0
    for passage, (quote, non_modal) in sorted(passages.items()):
        statements = said.get(passage, [])
        for found in modal_words(quote):
            checked += 1
            if found.word.lower() in non_modal or any(_accounts(s, found) for s in statements):
                continue
            problems.append(
                (passage, f'says "{found.word}" but no statement of its graph is {found.kind}')
            )
        for s in statements:
            for words in s.words:
                if words not in quote:
                    problems.append((passage, f'modal words "{words}" are not in its text'))
            kinds = {m.kind for w in s.words for m in modal_words(w)}
            if s.words and s.modality != "states" and s.modality not in kinds:
                problems.append(
                    (passage, f"is {s.modality} but its modal words {list(s.words)} are not")
                )
    return checked, problems
