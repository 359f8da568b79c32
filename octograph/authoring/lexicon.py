"""What the drafter knows of a graph's entities: their names, spelled every way, and kinds."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from octograph.authoring.english import (
    DETERMINERS,
    Words,
    genus,
    head_noun,
    is_content,
    singular,
    split_name,
    stems,
    variants,
    without_acronym,
)
from octograph.authoring.segment import words
from octograph.graph.querying import select

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = ["Lexicon", "lexicon"]

_LABELS = """
SELECT ?entity ?label ?class WHERE {
    { ?entity rdfs:label ?label } UNION { ?entity skos:prefLabel ?label }
    UNION { ?entity skos:altLabel ?label }
    ?entity a ?class .
    # Things of the report's own kinds: not taxonomy concepts, which name incident classes.
    FILTER(STRSTARTS(STR(?class), "https://w3id.org/octograph/ontology#"))
    FILTER(STRSTARTS(STR(?entity), "https://w3id.org/octograph/id/"))
    FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en"))
    FILTER NOT EXISTS { ?entity a octo:Passage }
    FILTER NOT EXISTS { ?entity a octo:KeyMessage }
    FILTER NOT EXISTS { ?entity a octo:Report }
    FILTER NOT EXISTS { ?entity a octo:Figure }
    FILTER NOT EXISTS { ?entity a octo:SourceText }
    FILTER NOT EXISTS { ?entity a octo:Conference }
}"""

# The nouns a class goes by are in its label and its definition; a subclass goes by its
# superclasses' too (a treaty is an instrument).
_KINDS = """
SELECT DISTINCT ?class ?name ?definition WHERE {
    ?class a owl:Class ; rdfs:subClassOf* ?kind .
    FILTER(STRSTARTS(STR(?kind), "https://w3id.org/octograph/ontology#"))
    ?kind rdfs:label ?name .
    FILTER(LANGMATCHES(LANG(?name), "en"))
    OPTIONAL { ?kind rdfs:comment ?definition FILTER(LANGMATCHES(LANG(?definition), "en")) }
}"""


@dataclass(frozen=True)
class Lexicon:
    """What the drafter knows of the graph's entities: how they are spelled, and what they are.

    `lexicon` builds one from a knowledge graph; `Lexicon.of` from names, as in this example:

    >>> from octograph.authoring.mentions import find_mentions
    >>> lex = Lexicon.of({"kg:x": ["cybersecurity community"], "kg:y": ["cybercrime community"]})
    >>> find_mentions("It links the cybersecurity and cybercrime communities.", lex)
    {'kg:x': [(13, 53)], 'kg:y': [(31, 53)]}
    """

    spellings: dict[Words, frozenset[str]]  # every spelling of every name -> what it names
    longest: int  # words in the longest spelling
    names: dict[str, tuple[Words, ...]]  # IRI -> its names as written
    modifiers: dict[Words, dict[str, frozenset[str]]]  # ("public",) -> {"sector": {public sector}}
    referents: dict[str, frozenset[str]]  # a noun, singular -> what "such <noun>" may stand for
    titles: dict[str, frozenset[str]]  # a name's head as written -> what "the <Head>" may be
    relational: tuple[tuple[Words, str, frozenset[str]], ...]  # ("protocols",), IRI, {of what}
    tensions: dict[str, tuple[tuple[frozenset[str], frozenset[str]], ...]]  # IRI -> "A vs B"
    long_names: tuple[tuple[str, frozenset[str]], ...]  # IRI, the stems of a long name

    @classmethod
    def of(
        cls, names: Mapping[str, Iterable[str]], kinds: Mapping[str, Iterable[str]] | None = None
    ) -> Lexicon:
        """The lexicon of entities with these *names* (labels) and *kinds* (their class's nouns)."""
        named = {
            iri: tuple(sorted({tuple(w.folded for w in words(label)) for label in labels}))
            for iri, labels in sorted(names.items())
        }
        spellings = _spellings(named)
        referents: dict[str, set[str]] = {}
        for iri, nouns in (kinds or {}).items():
            for noun in nouns:
                referents.setdefault(singular(noun), set()).add(iri)
        plain, tensions = _plain_and_tensions(named)
        titles: dict[str, set[str]] = {}
        for iri, label in plain:
            head = head_noun(label)
            if head is not None:
                titles.setdefault(head, set()).add(iri)
                referents.setdefault(singular(head), set()).add(iri)
        relational, long_names = _relational_and_long(plain, spellings, titles)
        modifiers = _modifiers(spellings)
        return cls(
            spellings={k: frozenset(v) for k, v in spellings.items()},
            longest=max(map(len, spellings), default=0),
            names=named,
            modifiers={m: {h: frozenset(i) for h, i in hs.items()} for m, hs in modifiers.items()},
            referents={k: frozenset(v) for k, v in referents.items()},
            titles={k: frozenset(v) for k, v in titles.items()},
            relational=tuple(relational),
            tensions={k: tuple(v) for k, v in tensions.items()},
            long_names=tuple(long_names),
        )


def lexicon(kg: KnowledgeGraph) -> Lexicon:
    """The names of the entities *kg* knows, and the nouns their classes go by."""
    names: dict[str, set[str]] = {}
    classes: dict[str, set[str]] = {}
    for sol in select(kg, _LABELS):
        names.setdefault(sol["entity"].value, set()).add(sol["label"].value)
        classes.setdefault(sol["entity"].value, set()).add(sol["class"].value)
    nouns: dict[str, set[str]] = {}
    for sol in select(kg, _KINDS):
        said = nouns.setdefault(sol["class"].value, set())
        for part in re.split(r"\s+(?:or|and)\s+", sol["name"].value.casefold()):
            said.update(part.split()[-1:])
        if sol["definition"] is not None:
            said |= genus(sol["definition"].value)
    kinds = {iri: set().union(*(nouns.get(c, set()) for c in cs)) for iri, cs in classes.items()}
    return Lexicon.of(names, kinds)


def _spellings(named: Mapping[str, Iterable[Words]]) -> dict[Words, set[str]]:
    """Every spelling of every name -> the entities it names."""
    spellings: dict[Words, set[str]] = {}
    for iri, labels in named.items():
        for label in labels:
            for spelling in variants(label):
                spellings.setdefault(spelling, set()).add(iri)
    return spellings


def _modifiers(spellings: Mapping[Words, set[str]]) -> dict[Words, dict[str, set[str]]]:
    """("public",) -> {"sector": what "public sector" names}: for heads shared in coordinations."""
    modifiers: dict[Words, dict[str, set[str]]] = {}
    for spelling, iris in spellings.items():
        if len(spelling) > 1 and all(map(is_content, spelling)):
            modifiers.setdefault(spelling[:-1], {}).setdefault(spelling[-1], set()).update(iris)
    return modifiers


def _plain_and_tensions(
    named: Mapping[str, Iterable[Words]],
) -> tuple[list[tuple[str, Words]], dict[str, list[tuple[frozenset[str], frozenset[str]]]]]:
    """The names with a head noun, and the tensions ("A vs B") by the stems of their sides."""
    tensions: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {}
    plain: list[tuple[str, Words]] = []
    for iri, labels in named.items():
        for label in map(without_acronym, labels):
            vs = next((i for i, word in enumerate(label) if word in {"vs", "versus"}), None)
            if vs is None:
                plain.append((iri, label))
            else:
                sides = (stems(label[:vs]), stems(label[vs + 1 :]))
                tensions.setdefault(iri, []).append(sides)
    return plain, tensions


def _relational_and_long(
    plain: list[tuple[str, Words]],
    spellings: Mapping[Words, set[str]],
    titles: Mapping[str, set[str]],
) -> tuple[list[tuple[Words, str, frozenset[str]]], list[tuple[str, frozenset[str]]]]:
    """Names of the form "protocols to <another name>", and the names of five stems or more."""
    relational: list[tuple[Words, str, frozenset[str]]] = []
    long_names: list[tuple[str, frozenset[str]]] = []
    for iri, label in plain:
        before, after = split_name(label)
        if after[:1] and after[0] in DETERMINERS:
            after = after[1:]
        others = frozenset(spellings.get(after, set()) - {iri})
        # "convention" alone could be any convention: only words that head no other name
        # stand for this one.
        if others and not (len(before) == 1 and len(titles.get(before[0], ())) > 1):
            relational.append((before, iri, others))
        if len(stems(label)) >= 5:
            long_names.append((iri, stems(label)))
    return relational, long_names
