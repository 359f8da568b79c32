"""A report's plain text -> a draft data folder: passages with offsets, structure, known mentions.

What the drafter cannot know (new entities, the relations passages state) is left as marked
placeholders (``octo:todo``) that ``octograph validate`` reports as unfinished until a person
completes them. Nothing is guessed silently: a mention read from a reference ("It", "such
threats", "the Protocol") rather than from a label carries a comment saying from which words.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from octograph.authoring.segment import Segment, Word, segment, words
from octograph.errors import InputError, OutputError
from octograph.graph.querying import select
from octograph.namespaces import ID

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

__all__ = [
    "Draft",
    "Lexicon",
    "Mention",
    "find_mentions",
    "lexicon",
    "make_draft",
    "read_text",
    "write_draft",
]

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


def read_text(path: Path) -> str:
    """The text of *path*, which must be non-empty UTF-8 (one clear error otherwise)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(e.strerror or str(e), path=str(path)) from e
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError(
            f"not UTF-8 (expected UTF-8 text): byte 0x{data[e.start]:02x} cannot be decoded",
            path=str(path),
            line=line,
            column=column,
        ) from e
    if not text.strip():
        raise InputError("the file is empty: nothing to draft", path=str(path))
    return text


Words = tuple[str, ...]  # a name or a stretch of text as case-folded words

_PREPOSITIONS = frozenset(
    {
        "about",
        "across",
        "against",
        "among",
        "at",
        "between",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "over",
        "through",
        "throughout",
        "to",
        "towards",
        "under",
        "via",
        "with",
        "within",
        "without",
    }
)
_DETERMINERS = frozenset({"a", "an", "the"})
# "that" is left out: far more often it opens a clause ("ensure that cooperation …").
_DEMONSTRATIVES = frozenset({"such", "these", "those", "this"})
_FUNCTION_WORDS = (
    _PREPOSITIONS
    | _DETERMINERS
    | _DEMONSTRATIVES
    | frozenset(
        {
            "all",
            "both",
            "each",
            "every",
            "any",
            "some",
            "its",
            "their",
            "that",
            "and",
            "or",
            "nor",
            "but",
            "as",
            "than",
            "vs",
            "versus",
        }
    )
)
_PRONOUNS = frozenset({"it", "its", "they", "their"})
# "It is important to …", "It seems that …": an "it" that stands for the clause after it; but
# "It is likely to remain …" speaks of a thing named before.
_LINKING_VERBS = frozenset(
    {
        "is",
        "was",
        "will",
        "would",
        "may",
        "might",
        "can",
        "could",
        "be",
        "been",
        "remains",
        "seems",
        "appears",
    }
)
_RAISING = frozenset(
    {
        "likely",
        "unlikely",
        "certain",
        "sure",
        "bound",
        "set",
        "expected",
        "able",
        "unable",
        "due",
        "going",
    }
)


def _is_content(word: str) -> bool:
    return word not in _FUNCTION_WORDS and any(c.isalpha() for c in word)


def _singular(word: str) -> str:
    """The singular of an English plural, by its ending alone ("communities" -> "community")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stem(word: str) -> str:
    """A word without its plural, -ing or -ed ending: "countering", "counter" -> "counter"."""
    word = _singular(word)
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _stems(words: Iterable[str]) -> frozenset[str]:
    return frozenset(_stem(w) for w in words if _is_content(w))


def _numbers(word: str) -> set[str]:
    """A word in the singular and the plural, as far as its ending tells."""
    out = {word, _singular(word)}
    if word.replace("-", "").isalpha():
        out |= {word + "s", word + "es"}
        if word.endswith("y"):
            out.add(word[:-1] + "ies")
    return out


def _split(name: Words) -> tuple[Words, Words]:
    """A name cut at its first preposition: "protocols to the Budapest Convention" ->
    ("protocols",) and ("the", "budapest", "convention")."""
    for i, word in enumerate(name[1:], start=1):
        if word in _PREPOSITIONS:
            return name[:i], name[i + 1 :]
    return name, ()


def _head(name: Words) -> str | None:
    """The noun a name is about: its last word before any preposition ("protocols to …")."""
    before, _ = _split(name)
    content = [w for w in before if _is_content(w) and w.replace("-", "").isalpha()]
    return content[-1] if content else None


def _without_acronym(name: Words) -> Words:
    """A name without the acronym after it: "… Response Teams (CSIRTs)" -> "… Response Teams"."""
    if len(name) > 3 and name[-3] == "(" and name[-1] == ")":
        return name[:-3]
    return name


def _variants(name: Words) -> set[Words]:
    """Spellings a name may take in running text: singular or plural, hyphen or space, without
    a leading article, and the long form or acronym of "Long Form (LF)"."""
    forms = {name, _without_acronym(name)}
    if _without_acronym(name) != name:
        forms.add(name[-2:-1])
    forms |= {form[1:] for form in forms if len(form) > 1 and form[0] in _DETERMINERS}
    forms |= {tuple(part for word in form for part in word.split("-")) for form in forms}
    forms |= {("-".join(form),) for form in forms if len(form) > 1 and all(map(str.isalpha, form))}
    out: set[Words] = set()
    for form in forms:
        before, _ = _split(form)
        head = len(before) - 1
        for last in _numbers(form[-1]):
            out.add((*form[:-1], last))
        for noun in _numbers(form[head]):
            out.add((*form[:head], noun, *form[head + 1 :]))
    return {v for v in out if len(" ".join(v)) > 2}


def _genus(definition: str) -> set[str]:
    """The nouns a definition opens with: "A threat, crime, situation or obstacle that …" gives
    four; "A legal or political instrument" one, the adjectives sharing its noun."""
    # "A committee, office or other body": "other" does not make "body" an adjective's noun.
    folded = [w.folded for w in words(definition) if w.folded != "other"]
    if folded[:1] and folded[0] in _DETERMINERS:
        folded = folded[1:]
    items: list[list[str]] = [[]]
    for word in folded:
        if word in {",", "or", "and"}:
            items.append([])
        elif not _is_content(word):
            break
        else:
            items[-1].append(word)
    items = [item for item in items if item]
    if len(items) > 1 and len(items[-1]) > 1 and all(len(item) == 1 for item in items[:-1]):
        items = items[-1:]
    return {item[-1] for item in items}


@dataclass(frozen=True)
class Lexicon:
    """What the drafter knows of the graph's entities: how they are spelled, and what they are.

    `lexicon` builds one from a knowledge graph; `Lexicon.of` from names, as in this example:

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
        spellings: dict[Words, set[str]] = {}
        for iri, labels in named.items():
            for label in labels:
                for spelling in _variants(label):
                    spellings.setdefault(spelling, set()).add(iri)
        modifiers: dict[Words, dict[str, set[str]]] = {}
        for spelling, iris in spellings.items():
            if len(spelling) > 1 and all(map(_is_content, spelling)):
                modifiers.setdefault(spelling[:-1], {}).setdefault(spelling[-1], set()).update(iris)
        referents: dict[str, set[str]] = {}
        for iri, nouns in (kinds or {}).items():
            for noun in nouns:
                referents.setdefault(_singular(noun), set()).add(iri)
        # "A vs B" names a tension by its two sides; every other name has a head noun.
        tensions: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {}
        plain: list[tuple[str, Words]] = []
        for iri, labels in named.items():
            for label in map(_without_acronym, labels):
                vs = next((i for i, word in enumerate(label) if word in {"vs", "versus"}), None)
                if vs is None:
                    plain.append((iri, label))
                else:
                    sides = (_stems(label[:vs]), _stems(label[vs + 1 :]))
                    tensions.setdefault(iri, []).append(sides)
        titles: dict[str, set[str]] = {}
        for iri, label in plain:
            head = _head(label)
            if head is not None:
                titles.setdefault(head, set()).add(iri)
                referents.setdefault(_singular(head), set()).add(iri)
        relational: list[tuple[Words, str, frozenset[str]]] = []
        long_names: list[tuple[str, frozenset[str]]] = []
        for iri, label in plain:
            before, after = _split(label)
            if after[:1] and after[0] in _DETERMINERS:
                after = after[1:]
            others = frozenset(spellings.get(after, set()) - {iri})
            # "convention" alone could be any convention: only words that head no other name
            # stand for this one.
            if others and not (len(before) == 1 and len(titles.get(before[0], ())) > 1):
                relational.append((before, iri, others))
            if len(_stems(label)) >= 5:
                long_names.append((iri, _stems(label)))
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
            said |= _genus(sol["definition"].value)
    kinds = {iri: set().union(*(nouns.get(c, set()) for c in cs)) for iri, cs in classes.items()}
    return Lexicon.of(names, kinds)


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
            a <= i and j <= b and (a, b) != (i, j) and (i == a or _is_content(keys[i - 1]))
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
        elif not _is_content(word):
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


class _Reading:
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
        first = next((w.start for w in ws if w.folded not in _DETERMINERS), 0)
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
        if not continues or not keys or keys[0] not in _PRONOUNS or _expletive(keys):
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
            singular = _singular(noun.folded)
            plural = singular != noun.folded
            if word.folded not in _DEMONSTRATIVES or (word.folded == "this" and plural):
                continue
            iris = self.lex.referents.get(singular, frozenset())
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
        own = _stems(w.folded for w in ws)
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
        own = _stems(w.folded for w in ws)
        spelled = sorted({m.iri for m in found if not m.how})
        words_of = {iri: frozenset().union(*map(_stems, self.lex.names[iri])) for iri in spelled}

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


def _expletive(keys: list[str]) -> bool:
    """Whether "it" opens "It is important to …" or "It seems that …" rather than standing for a
    thing."""
    i = 1
    while i < len(keys) and keys[i] in _LINKING_VERBS:
        i += 1
    if i == 1 or i >= len(keys):
        return False
    if keys[i] == "that":
        return True
    return keys[i] not in _RAISING and keys[i + 1 : i + 2] in (["to"], ["that"])


def _overlaps(found: list[Mention], start: int, end: int) -> bool:
    return any(m.start < end and start < m.end for m in found)


@dataclass
class Draft:
    """What the drafter found: the passages, the key messages, the mentions per passage.

    *notes* says, for the mentions a passage makes without naming the entity (a pronoun, "such
    threats", "the Protocol"), how the drafter read them: a person checks these.
    """

    report_id: str
    text: str
    passages: list[Segment]
    messages: dict[int, int]  # passage number -> key message number
    mentions: dict[int, dict[str, list[tuple[int, int]]]]  # passage number -> IRI -> spans
    notes: dict[int, dict[str, str]] = field(default_factory=dict)  # passage -> IRI -> how read


def _messages(passages: list[Segment], text: str) -> dict[int, int]:
    """Key messages: the list items that follow a heading or line mentioning "key message"."""
    start = next(
        (p.end for p in passages if "key message" in p.quote.casefold() and not p.item), None
    )
    out: dict[int, int] = {}
    message, paragraph = 0, None
    for number, p in enumerate(passages, start=1):
        if start is None or p.start < start:
            continue
        if p.kind == "item":
            message, paragraph = message + 1, p.paragraph
            out[number] = message
        elif message and p.paragraph == paragraph:
            out[number] = message
    return out


def make_draft(text: str, report_id: str, kg: KnowledgeGraph) -> Draft:
    """Segment *text*, find its key messages and the entities *kg* already knows in it."""
    passages = segment(text)
    messages = _messages(passages, text)
    reading = _Reading(lexicon(kg))
    mentions: dict[int, dict[str, list[tuple[int, int]]]] = {}
    notes: dict[int, dict[str, str]] = {}
    for n, p in enumerate(passages, start=1):
        unit = ("message", messages[n]) if n in messages else ("paragraph", p.paragraph)
        continues = n > 1 and passages[n - 2].paragraph == p.paragraph
        found = reading.read(p.quote, unit, continues)
        spans = mentions.setdefault(n, {})
        for m in found:
            spans.setdefault(m.iri, []).append((m.start, m.end))
        named = {m.iri for m in found if not m.how}
        for m in found:
            if m.iri not in named:
                notes.setdefault(n, {}).setdefault(m.iri, m.how)
    return Draft(report_id, text, passages, messages, mentions, notes)


def _lit(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _structure(d: Draft) -> str:
    rid, base = d.report_id, f"{ID}{d.report_id}"
    messages = ", ".join(f"m:{n}" for n in sorted(set(d.messages.values())))
    lines = [
        "@prefix kg: <https://w3id.org/octograph/id/> .",
        f"@prefix m: <{base}/message/> .",
        "@prefix oa: <http://www.w3.org/ns/oa#> .",
        "@prefix octo: <https://w3id.org/octograph/ontology#> .",
        f"@prefix p: <{base}/passage/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
        "# Drafted by `octograph draft` from report.txt: passages and offsets are exact; the",
        "# key-message structure and the mentions (octo:mentions) are the drafter's reading.",
        '# A mention the drafter read rather than found spelled out ("It", "such threats",',
        '# "the Protocol") has a comment saying from which words: check those first.',
        "",
        f"<{base}/graph/structure> {{",
        f"    <{base}> octo:sourceText <{base}/text>"
        + (f" ;\n        octo:hasKeyMessage {messages} ." if d.messages else " ."),
        f"    <{base}/text> a octo:SourceText ;",
        f"        rdfs:label {_lit('Source text of ' + rid)}@en ;",
        f"        octo:content {_triple_quoted(d.text)} .",
    ]
    for n in sorted(set(d.messages.values())):
        lines += [f"    m:{n} octo:messageNumber {n} ;", f"        octo:inReport <{base}> ."]
    for n, p in enumerate(d.passages, start=1):
        lines += [
            f"    p:{n} a octo:Passage ;",
            f'        rdfs:label "Passage {n}"@en ;',
            f"        octo:passageNumber {n} ;",
            f"        octo:inReport <{base}> ;",
        ]
        if n in d.messages:
            lines.append(f"        octo:inKeyMessage m:{d.messages[n]} ;")
        mentioned = sorted(d.mentions.get(n, {}))
        lines += [f"        # check: {line}" for line in _readings(d, n)]
        if mentioned:
            lines.append(f"        octo:mentions {', '.join(f'<{iri}>' for iri in mentioned)} ;")
        lines += [
            f"        oa:hasSource <{base}/text> ;",
            f"        oa:hasSelector p:{n}-quote, p:{n}-position .",
            f"    p:{n}-quote a oa:TextQuoteSelector ;",
            f"        oa:exact {_lit(p.quote)} ;",
            f"        oa:prefix {_lit(d.text[max(0, p.start - 32) : p.start])} ;",
            f"        oa:suffix {_lit(d.text[p.end : p.end + 32])} .",
            f"    p:{n}-position a oa:TextPositionSelector ;",
            f"        oa:start {p.start} ;",
            f"        oa:end {p.end} .",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _readings(d: Draft, n: int) -> list[str]:
    """How the drafter read passage *n*'s mentions that it does not spell out, one per line."""
    return [f"{_curie(iri)} {how}" for iri, how in sorted(d.notes.get(n, {}).items())]


def _curie(iri: str) -> str:
    local = iri[len(ID) :]
    return f"kg:{local}" if iri.startswith(ID) and re.fullmatch(r"[\w-]+", local) else f"<{iri}>"


def _one_line(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _triple_quoted(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'


def _report(d: Draft) -> str:
    base = f"{ID}{d.report_id}"
    lines = [
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        f"@prefix m: <{base}/message/> .",
        "@prefix octo: <https://w3id.org/octograph/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
        "# TODO: give the report its title, date and publisher, and each key message a short",
        "# title taken from its words; then delete each octo:todo line you have done.",
        "",
        f"<{base}/graph/entities> {{",
        f"    <{base}> a octo:Report ;",
        f"        rdfs:label {_lit(d.report_id)}@en ;",
        '        octo:todo "Give the report its label, dcterms:title and dcterms:issued."@en .',
    ]
    for n in sorted(set(d.messages.values())):
        lines += [
            f"    m:{n} a octo:KeyMessage ;",
            f'        rdfs:label "Key message {n}"@en ;',
            f'        dcterms:title "Key message {n}"@en ;',
            f'        octo:todo "Give key message {n} a short title from its words."@en .',
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _statements(d: Draft) -> str:
    base = f"{ID}{d.report_id}"
    lines = [
        "@prefix kg: <https://w3id.org/octograph/id/> .",
        "@prefix octo: <https://w3id.org/octograph/ontology#> .",
        f"@prefix p: <{base}/passage/> .",
        "",
        "# One graph per passage: state in it what the passage says, with the ontology's",
        "# relations, then delete its octo:todo line. A passage that states nothing gets",
        "# octo:noStatementReason in structure.trig instead.",
    ]
    for n, p in enumerate(d.passages, start=1):
        named = ", ".join(f"<{iri}>" for iri in sorted(d.mentions.get(n, {})))
        lines += [
            "",
            f"# ¶{n}: {_one_line(p.quote)}",
            f"# names: {named or 'no entity the graph already knows'}",
            *(f"# read, to check: {line}" for line in _readings(d, n)),
            f"p:{n} {{",
            f'    p:{n} octo:todo "State what passage {n} says, or give a noStatementReason."@en .',
            "}",
        ]
    return "\n".join(lines) + "\n"


def write_draft(d: Draft, out: Path, *, force: bool = False) -> list[Path]:
    """Write the draft folder *out* (report.txt, structure.trig, report.trig, statements.trig).

    Written into a temporary folder and renamed into place: never half a folder.

    Raises:
        OutputError: *out* exists (unless *force*) or cannot be written.
    """
    if out.exists() and not force:
        raise OutputError("the target folder exists (use --force to replace it)", path=str(out))
    if not out.parent.is_dir():
        raise OutputError("folder does not exist", path=str(out.parent))
    files = {
        "report.txt": d.text,
        "structure.trig": _structure(d),
        "report.trig": _report(d),
        "statements.trig": _statements(d),
    }
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        for name, content in files.items():
            (tmp / name).write_text(content, encoding="utf-8", newline="\n")
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except OSError as e:
        raise OutputError(e.strerror or str(e), path=str(out)) from e
    return [out / name for name in files]


def mention_recall(curated: Iterable[tuple[int, str]], drafted: Iterable[tuple[int, str]]) -> float:
    """The share of curated (passage, entity) mentions the drafter also found."""
    want, got = set(curated), set(drafted)
    return len(want & got) / len(want) if want else 1.0
