"""English for the drafter: function words, plurals and stems, how a name is built.

The drafter reads names by their words: "protocols to the Budapest Convention" has the head
noun "protocols" before its first preposition; "Computer Security Incident Response Teams
(CSIRTs)" is also spelled "CSIRTs" and "Computer Security Incident Response Team".
"""

from __future__ import annotations

from collections.abc import Iterable

from octograph.authoring.segment import words

__all__ = [
    "DEMONSTRATIVES",
    "DETERMINERS",
    "FUNCTION_WORDS",
    "LINKING_VERBS",
    "PREPOSITIONS",
    "PRONOUNS",
    "RAISING",
    "Words",
    "expletive",
    "genus",
    "head_noun",
    "is_content",
    "numbers",
    "singular",
    "split_name",
    "stem",
    "stems",
    "variants",
    "without_acronym",
]

Words = tuple[str, ...]  # a name or a stretch of text as case-folded words

PREPOSITIONS = frozenset(
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
DETERMINERS = frozenset({"a", "an", "the"})
# "that" is left out: far more often it opens a clause ("ensure that cooperation …").
DEMONSTRATIVES = frozenset({"such", "these", "those", "this"})
FUNCTION_WORDS = (
    PREPOSITIONS
    | DETERMINERS
    | DEMONSTRATIVES
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
PRONOUNS = frozenset({"it", "its", "they", "their"})
# "It is important to …", "It seems that …": an "it" that stands for the clause after it; but
# "It is likely to remain …" speaks of a thing named before.
LINKING_VERBS = frozenset(
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
RAISING = frozenset(
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


def is_content(word: str) -> bool:
    return word not in FUNCTION_WORDS and any(c.isalpha() for c in word)


def singular(word: str) -> str:
    """The singular of an English plural, by its ending alone ("communities" -> "community")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def stem(word: str) -> str:
    """A word without its plural, -ing or -ed ending: "countering", "counter" -> "counter"."""
    word = singular(word)
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def stems(words: Iterable[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in words if is_content(w))


def numbers(word: str) -> set[str]:
    """A word in the singular and the plural, as far as its ending tells."""
    out = {word, singular(word)}
    if word.replace("-", "").isalpha():
        out |= {word + "s", word + "es"}
        if word.endswith("y"):
            out.add(word[:-1] + "ies")
    return out


def split_name(name: Words) -> tuple[Words, Words]:
    """A name cut at its first preposition: "protocols to the Budapest Convention" ->
    ("protocols",) and ("the", "budapest", "convention")."""
    for i, word in enumerate(name[1:], start=1):
        if word in PREPOSITIONS:
            return name[:i], name[i + 1 :]
    return name, ()


def head_noun(name: Words) -> str | None:
    """The noun a name is about: its last word before any preposition ("protocols to …")."""
    before, _ = split_name(name)
    content = [w for w in before if is_content(w) and w.replace("-", "").isalpha()]
    return content[-1] if content else None


def without_acronym(name: Words) -> Words:
    """A name without the acronym after it: "… Response Teams (CSIRTs)" -> "… Response Teams"."""
    if len(name) > 3 and name[-3] == "(" and name[-1] == ")":
        return name[:-3]
    return name


def variants(name: Words) -> set[Words]:
    """Spellings a name may take in running text: singular or plural, hyphen or space, without
    a leading article, and the long form or acronym of "Long Form (LF)"."""
    forms = {name, without_acronym(name)}
    if without_acronym(name) != name:
        forms.add(name[-2:-1])
    forms |= {form[1:] for form in forms if len(form) > 1 and form[0] in DETERMINERS}
    forms |= {tuple(part for word in form for part in word.split("-")) for form in forms}
    forms |= {("-".join(form),) for form in forms if len(form) > 1 and all(map(str.isalpha, form))}
    out: set[Words] = set()
    for form in forms:
        before, _ = split_name(form)
        head = len(before) - 1
        for last in numbers(form[-1]):
            out.add((*form[:-1], last))
        for noun in numbers(form[head]):
            out.add((*form[:head], noun, *form[head + 1 :]))
    return {v for v in out if len(" ".join(v)) > 2}


def genus(definition: str) -> set[str]:
    """The nouns a definition opens with: "A threat, crime, situation or obstacle that …" gives
    four; "A legal or political instrument" one, the adjectives sharing its noun."""
    # "A committee, office or other body": "other" does not make "body" an adjective's noun.
    folded = [w.folded for w in words(definition) if w.folded != "other"]
    if folded[:1] and folded[0] in DETERMINERS:
        folded = folded[1:]
    items: list[list[str]] = [[]]
    for word in folded:
        if word in {",", "or", "and"}:
            items.append([])
        elif not is_content(word):
            break
        else:
            items[-1].append(word)
    items = [item for item in items if item]
    if len(items) > 1 and len(items[-1]) > 1 and all(len(item) == 1 for item in items[:-1]):
        items = items[-1:]
    return {item[-1] for item in items}


def expletive(keys: list[str]) -> bool:
    """Whether "it" opens "It is important to …" or "It seems that …" rather than standing for a
    thing."""
    i = 1
    while i < len(keys) and keys[i] in LINKING_VERBS:
        i += 1
    if i == 1 or i >= len(keys):
        return False
    if keys[i] == "that":
        return True
    return keys[i] not in RAISING and keys[i + 1 : i + 2] in (["to"], ["that"])
