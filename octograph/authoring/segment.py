"""Split a report's plain text into passages (headings, list items, sentences) and words."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Segment", "Word", "segment", "words"]

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "e.g",
        "i.e",
        "etc",
        "no",
        "nos",
        "art",
        "arts",
        "para",
        "paras",
        "cf",
        "vs",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "vol",
        "p",
        "pp",
        "ca",
        "approx",
        "fig",
        "ed",
        "eds",
        "inc",
        "ltd",
        "co",
        "jr",
        "sr",
        "u.s",
        "u.k",
        "e.u",
    }
)
_BULLET = re.compile(r"[-*\u2022\u2013]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*(?=\s)")
# A word runs on across hyphens and "@" ("public-private", "Cybercrime@Octopus"), so that a
# name never matches half of a compound, and a web address is one word; every other mark is a
# word of its own.
_WORD = re.compile(r"(?:https?://|www\.)\S*[\w/]|\w+(?:[-\u2010\u2011\u2013@]\w+)*|[^\w\s]")
# Typographic marks that text and labels spell either way.
_PLAIN = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2019": "'", "\u2018": "'"})


@dataclass(frozen=True)
class Segment:
    """One passage: its kind, its characters ``text[start:end]`` and its paragraph.

    >>> s = segment("Title\\n\\n- One thing. Another.\\n")
    >>> [(x.kind, x.quote) for x in s]
    [('heading', 'Title'), ('item', 'One thing.'), ('sentence', 'Another.')]
    """

    kind: str  # "heading", "item" (first sentence of a list item) or "sentence"
    start: int
    end: int
    quote: str
    paragraph: int
    item: bool  # whether the passage belongs to a list item


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph spans, joining a paragraph to the next when a sentence runs across a blank line."""
    # A block runs to a blank line or to the next line that starts a list item.
    spans = [
        (m.start(), m.end())
        for m in re.finditer(r"\S(?:.|\n(?!\s*\n|[ \t]*(?:[-*\u2022]|\d{1,2}[.)])\s))*", text)
    ]
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined:
            prev_start, prev_end = joined[-1]
            tail = text[prev_start:prev_end].rstrip()
            head = text[start:end]
            # "adoption of / legislation in line with": a page break inside a sentence.
            if tail and tail[-1].isalpha() and re.match(r"[a-z]+[\s,;]", head):
                joined[-1] = (prev_start, end)
                continue
        joined.append((start, end))
    return joined


def _ends_sentence(text: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", text[:dot])
    if word is None:
        return True
    token = word.group(1).lower()
    if token in _ABBREVIATIONS:
        return False
    # A single capital letter before the stop is an initial ("J. Smith").
    if len(token) == 1 and text[dot - 1].isupper():
        return False
    after = text[dot + 1 :].lstrip(" \t\"'\u201c\u2018(")
    return not after[:1].islower()


def segment(text: str) -> list[Segment]:
    """Split *text* into passages with exact character offsets (Python code points)."""
    out: list[Segment] = []
    for number, (start, end) in enumerate(_blocks(text), start=1):
        block = text[start:end]
        bullet = _BULLET.match(block)
        offset = bullet.end() if bullet else 0
        is_item = bullet is not None
        stops = [
            m.end()
            for m in _SENTENCE_END.finditer(block + " ", offset)
            if _ends_sentence(block, m.start())
        ]
        if not stops or stops[-1] < len(block):
            stops.append(len(block))
        first = True
        for stop in stops:
            piece = block[offset:stop]
            lead = len(piece) - len(piece.lstrip())
            quote = piece.strip()
            if quote:
                s = start + offset + lead
                if is_item and first:
                    kind = "item"
                elif (
                    not is_item
                    and len(stops) == 1
                    and not _SENTENCE_END.search(quote + " ")
                    and len(quote.split()) <= 10
                ):
                    kind = "heading"
                else:
                    kind = "sentence"
                out.append(Segment(kind, s, s + len(quote), quote, number, is_item))
                first = False
            offset = stop
    return out


@dataclass(frozen=True)
class Word:
    """One word or punctuation mark of a text: case-folded, with its characters ``text[start:end]``.

    >>> [w.folded for w in words("The Council of Europe\u2019s public\u2013private work.")]
    ['the', 'council', 'of', 'europe', "'", 's', 'public-private', 'work', '.']
    """

    folded: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    """The words and punctuation marks of *text*, in order."""
    return [
        Word(m.group().translate(_PLAIN).casefold(), m.start(), m.end())
        for m in _WORD.finditer(text)
    ]
