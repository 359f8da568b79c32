"""Where a passage names the entities a lexicon knows: by their names, or by references back.

A mention read from a reference ("It", "such threats", "the Protocol") rather than from a
name says from which words it was read, for a person to check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise

from octograph.authoring.english import (
    DEMONSTRATIVES,
    DETERMINERS,
    PRONOUNS,
    expletive,
    is_content,
    singular,
    stems,
)
from octograph.authoring.lexicon import Lexicon
from octograph.authoring.segment import Word, words

__all__ = ["Mention", "Reading", "Unit", "find_mentions"]


@dataclass(frozen=True)
class Mention:
    """Characters ``text[start:end]`` of a passage that name an entity, and how they were read.

    *how* is empty when the characters spell one of the entity's names; otherwise it says how
    the drafter read them (a pronoun, a shared head noun, …), for a person to check.
    """

    iri: str
    start: int
    end: int
    how: str = ""


def _spot(text: str, ws: list[Word], lex: Lexicon) -> list[Mention]:
    """The names spelled out in *text*, and those whose head noun a neighbour shares."""
    keys = [w.folded for w in ws]
    found = [
        (i, i + n)
        for i in range(len(keys))
        for n in range(1, min(lex.longest, len(keys) - i) + 1)
        if tuple(keys[i : i + n]) in lex.spellings
    ]
    # Of two spellings that cross without nesting, the longer wins.
    kept: list[tuple[int, int]] = []
    for i, j in sorted(found, key=lambda r: (ws[r[0]].start - ws[r[1] - 1].end, r[0])):
        if not any(a < j and i < b and not (a <= i and j <= b) for a, b in kept):
            kept.append((i, j))
    out: list[Mention] = []
    for i, j in sorted(kept):
        # A name inside a longer one names its own thing after a function word ("Secretary
        # General of the Council of Europe"), not as a modifier ("Cybercrime Convention Committee").
        if any(
            a <= i and j <= b and (a, b) != (i, j) and (i == a or is_content(keys[i - 1]))
            for a, b in kept
        ):
            continue
        for iri in sorted(lex.spellings[tuple(keys[i:j])]):
            out.append(Mention(iri, ws[i].start, ws[j - 1].end))
    return out + _shared_heads(text, ws, keys, lex)


def _shared_heads(text: str, ws: list[Word], keys: list[str], lex: Lexicon) -> list[Mention]:
    """Names whose head noun a coordination shares: "international and private sector
    organisations" names international organisations, "public-private" the public sector."""
    out: list[Mention] = []

    def add(iris: Iterable[str], i: int, j: int) -> None:
        phrase = " ".join(text[ws[i].start : ws[j].end].split())
        how = f'from "{phrase}" (a shared noun)'
        out.extend(Mention(iri, ws[i].start, ws[j].end, how) for iri in sorted(iris))

    for i, key in enumerate(keys):
        halves = key.split("-")
        if len(halves) == 2 and all(map(str.isalpha, halves)):
            left, right = (lex.modifiers.get((half,), {}) for half in halves)
            shared = left.keys() & right.keys()
            if shared:
                add(set().union(*(left[head] | right[head] for head in shared)), i, i)
        for n in range(1, lex.longest):
            heads = lex.modifiers.get(tuple(keys[i : i + n]))
            end = _coordination_end(keys, i + n, heads) if heads else None
            if heads and end is not None:
                add(heads[keys[end]], i, end)
    return out


def _coordination_end(keys: list[str], k: int, heads: Mapping[str, object]) -> int | None:
    """Where a coordination that starts at *k* (", B and C <head>") ends on one of *heads*."""
    if k >= len(keys) or keys[k] not in {"and", "or", ","}:
        return None
    joined, run = False, 0
    for m in range(k, min(len(keys), k + 12)):
        word = keys[m]
        if word in {"and", "or"}:
            joined, run = True, 0
        elif word == "," and not joined:
            run = 0
        elif not is_content(word):
            return None
        else:
            run += 1
            if run > 3:
                return None
            if joined and word in heads:
                return m
    return None


def find_mentions(text: str, lex: Lexicon) -> dict[str, list[tuple[int, int]]]:
    """Entities *text* names by their own names: IRI -> the (start, end) spans that name it.

    A name inside a longer one counts when it follows a function word ("Council of Europe" in
    "Secretary General of the Council of Europe"), not when it modifies the longer name's head
    ("Cybercrime Convention Committee"); of two spellings that cross without nesting, the longer
    wins. A head noun shared in a coordination counts for each of its modifiers ("public and
    private sectors"). References back to earlier passages are `make_draft`'s to resolve.
    """
    found: dict[str, list[tuple[int, int]]] = {}
    for m in sorted(_spot(text, words(text), lex), key=lambda m: (m.start, m.end, m.iri)):
        found.setdefault(m.iri, []).append((m.start, m.end))
    return found


Unit = tuple[str, int]  # ("message", 2) or, outside key messages, ("paragraph", 7)


class Reading:
    """The drafter's reading of one report, passage by passage: what each passage names, and what
    its references back ("It", "such threats", "the Protocol") stand for.

    A reference resolves only to an entity named before it: "It" to the subject of the sentence
    before, in the same paragraph; "such threats" to the threats named before in the same key
    message (or paragraph, outside key messages); "the Protocol" to the last protocol named.
    """

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.named: list[tuple[Unit, str]] = []  # what the passages read so far name, in order
        self.subject: list[str] = []  # what the sentence before is about
        self.acronyms: dict[str, frozenset[str]] = {}  # "t-cy" -> what "(T-CY)" was defined for

    def read(self, text: str, unit: Unit, continues: bool) -> list[Mention]:
        """The mentions of passage *text*, in *unit*; *continues* says it follows a sentence of
        the same paragraph."""
        ws = words(text)
        found = _spot(text, ws, self.lex)
        found += self._acronyms(text, ws, found)
        found += self._pronoun(text, ws, continues)
        found += self._definite(text, ws, found)
        found += self._demonstratives(text, ws, found, unit)
        found += self._relational(text, ws, found)
        first = next((w.start for w in ws if w.folded not in DETERMINERS), 0)
        self.subject = list(dict.fromkeys(m.iri for m in found if m.start in {0, first}))
        # These two read the passage as a whole, so their mentions have no place of their own.
        found += self._paraphrase(text, ws, found)
        found += self._tensions(text, ws, found)
        found.sort(key=lambda m: (m.start, m.end, m.iri, m.how))
        self.named += [(unit, m.iri) for m in found]
        return found

    def _acronyms(self, text: str, ws: list[Word], found: list[Mention]) -> list[Mention]:
        """ "T-CY" where "Cybercrime Convention Committee (T-CY)" was written before."""
        for i in range(1, len(ws) - 2):
            acronym = ws[i + 1]
            defines = (
                ws[i].folded == "("
                and ws[i + 2].folded == ")"
                and sum(c.isupper() for c in text[acronym.start : acronym.end]) >= 2
                and (acronym.folded,) not in self.lex.spellings
            )
            iris = frozenset(m.iri for m in found if m.end == ws[i - 1].end and not m.how)
            if defines and iris:
                self.acronyms[acronym.folded] = iris
        out: list[Mention] = []
        for i, w in enumerate(ws):
            if w.folded in self.acronyms and not (i > 0 and ws[i - 1].folded == "("):
                how = f'from "{text[w.start : w.end]}" (defined earlier)'
                out += [
                    Mention(iri, w.start, w.end, how) for iri in sorted(self.acronyms[w.folded])
                ]
        return out

    def _pronoun(self, text: str, ws: list[Word], continues: bool) -> list[Mention]:
        """ "It has provided …" after a sentence about the Budapest Convention."""
        keys = [w.folded for w in ws[:6]]
        if not continues or not keys or keys[0] not in PRONOUNS or expletive(keys):
            return []
        how = f'from "{text[ws[0].start : ws[0].end]}" (the subject of the sentence before)'
        return [Mention(iri, ws[0].start, ws[0].end, how) for iri in self.subject]

    def _definite(self, text: str, ws: list[Word], found: list[Mention]) -> list[Mention]:
        """ "the Protocol": the last-named entity whose name has "Protocol" for its head."""
        out: list[Mention] = []
        for i, the in enumerate(ws):
            if the.folded != "the":
                continue
            j = i + 1  # "the" is followed by capitalised words, up to ws[j - 1]
            while j < len(ws) and text[ws[j].start].isupper() and ws[j].folded.isalpha():
                j += 1
            if j == i + 1 or _overlaps(found, ws[i + 1].start, ws[j - 1].end):
                continue
            iris = self.lex.titles.get(ws[j - 1].folded, frozenset())
            before = [iri for _, iri in self.named] + [m.iri for m in found if m.end <= the.start]
            latest = next((iri for iri in reversed(before) if iri in iris), None)
            if latest is not None:
                how = f'from "{text[the.start : ws[j - 1].end]}" (the last one named)'
                out.append(Mention(latest, the.start, ws[j - 1].end, how))
        return out

    def _demonstratives(
        self, text: str, ws: list[Word], found: list[Mention], unit: Unit
    ) -> list[Mention]:
        """ "such threats", "these measures": the threats (measures) named before, in the same
        key message; "this treaty": the last treaty named. A noun stands for an entity when it is
        a noun of the entity's class ("threat") or the head of its name ("cooperation")."""
        out: list[Mention] = []
        for word, noun in pairwise(ws):
            one = singular(noun.folded)
            plural = one != noun.folded
            if word.folded not in DEMONSTRATIVES or (word.folded == "this" and plural):
                continue
            iris = self.lex.referents.get(one, frozenset())
            before = [iri for u, iri in self.named if u == unit]
            before += [m.iri for m in found if m.end <= word.start]
            matching = list(dict.fromkeys(iri for iri in before if iri in iris))
            if word.folded == "this":
                matching = matching[-1:]
            how = f'from "{text[word.start : noun.end]}" (named before it)'
            out += [Mention(iri, word.start, noun.end, how) for iri in matching]
        return out

    def _relational(self, text: str, ws: list[Word], found: list[Mention]) -> list[Mention]:
        """ "protocols" in a sentence about the Budapest Convention: "protocols to the Budapest
        Convention", a name whose words before its preposition stand for it when the passage
        names what follows the preposition."""
        keys = [w.folded for w in ws]
        named = {m.iri for m in found}
        out: list[Mention] = []
        for before, iri, of in self.lex.relational:
            if iri in named or not of & named:
                continue
            for i in range(len(keys) - len(before) + 1):
                start, end = ws[i].start, ws[i + len(before) - 1].end
                if tuple(keys[i : i + len(before)]) == before and not _overlaps(found, start, end):
                    how = f'from "{text[start:end]}" (of what the passage names)'
                    out.append(Mention(iri, start, end, how))
                    break
        return out

    def _paraphrase(self, text: str, ws: list[Word], found: list[Mention]) -> list[Mention]:
        """A long name whose words the passage uses, all but one in six at most ("… instruments
        as well as national legislation which includes clear criminal justice responses …")."""
        own = stems(w.folded for w in ws)
        named = {m.iri for m in found}
        return [
            Mention(iri, 0, len(text), "(most words of its name)")
            for iri, stems in self.lex.long_names
            if iri not in named and 6 * len(stems - own) <= len(stems)
        ]

    def _tensions(self, text: str, ws: list[Word], found: list[Mention]) -> list[Mention]:
        """A tension "A vs B" whose two sides the passage names: in its own words, or with the
        words of a name it spells out ("Measures to counter such threats … freedom of
        expression": "measures to counter election threats"). One name that holds both sides
        ("further dialogue between criminal justice and data protection") is not the tension."""
        own = stems(w.folded for w in ws)
        spelled = sorted({m.iri for m in found if not m.how})
        words_of = {iri: frozenset().union(*map(stems, self.lex.names[iri])) for iri in spelled}

        def sources(side: frozenset[str]) -> set[str | None]:
            """Whose words name *side*: the passage's own (None), or with a name's."""
            out: set[str | None] = {None} if side <= own else set()
            return out | {iri for iri in spelled if side <= own | words_of[iri]}

        named = {m.iri for m in found}
        return [
            Mention(iri, 0, len(text), "(both sides of the tension)")
            for iri, labels in self.lex.tensions.items()
            if iri not in named
            and any(
                x is None or y is None or x != y
                for a, b in labels
                for x in sources(a)
                for y in sources(b)
            )
        ]


def _overlaps(found: list[Mention], start: int, end: int) -> bool:
    return any(m.start < end and start < m.end for m in found)
