"""A report's plain text -> a draft data folder: passages with offsets, structure, known mentions.

What the drafter cannot know (new entities, the relations passages state) is left as marked
placeholders (``octo:todo``) that ``octograph validate`` reports as unfinished until a person
completes them. Nothing is guessed silently: a mention read from a reference ("It", "such
threats", "the Protocol") rather than from a label carries a comment saying from which words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from octograph.authoring.lexicon import Lexicon, lexicon
from octograph.authoring.mentions import Mention, Reading, find_mentions
from octograph.authoring.segment import Segment, segment
from octograph.errors import InputError, OutputError
from octograph.graph.modality import modal_words
from octograph.namespaces import ID
from octograph.output import new_folder

if TYPE_CHECKING:
    from octograph.graph.load import KnowledgeGraph

# Lexicon, Mention, find_mentions and lexicon live in lexicon.py and mentions.py; they stay
# importable from here, where they were first offered.
__all__ = [
    "Draft",
    "Lexicon",
    "Mention",
    "find_mentions",
    "lexicon",
    "make_draft",
    "mention_recall",
    "read_text",
    "write_draft",
]


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
    reading = Reading(lexicon(kg))
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
            *_modal_note(p.quote),
            f"p:{n} {{",
            f'    p:{n} octo:todo "State what passage {n} says, or give a noStatementReason."@en .',
            "}",
        ]
    return "\n".join(lines) + "\n"


def _modal_note(quote: str) -> list[str]:
    """A comment marking the passage's modal words: what it hedges or demands is no plain fact."""
    found = modal_words(quote)
    if not found:
        return []
    words = ", ".join(f'"{m.word}" ({m.kind})' for m in found)
    return [
        f"# modal words: {words}: say these with octo:QualifiedStatement or octo:Requirement",
        "#   (octo:modality, octo:modalWords), not as plain triples; or list a word used",
        "#   without hedging as octo:nonModalWord of the passage in structure.trig",
    ]


def write_draft(d: Draft, out: Path, *, force: bool = False) -> list[Path]:
    """Write the draft folder *out* (report.txt, structure.trig, report.trig, statements.trig).

    Written into a temporary folder and renamed into place: never half a folder.

    Raises:
        OutputError: *out* exists (unless *force*) or cannot be written.
    """
    if out.exists() and not force:
        raise OutputError("the target folder exists (use --force to replace it)", path=str(out))
    files = {
        "report.txt": d.text,
        "structure.trig": _structure(d),
        "report.trig": _report(d),
        "statements.trig": _statements(d),
    }
    with new_folder(out) as tmp:
        for name, content in files.items():
            (tmp / name).write_text(content, encoding="utf-8", newline="\n")
    return [out / name for name in files]


def mention_recall(curated: Iterable[tuple[int, str]], drafted: Iterable[tuple[int, str]]) -> float:
    """The share of curated (passage, entity) mentions the drafter also found."""
    want, got = set(curated), set(drafted)
    return len(want & got) / len(want) if want else 1.0
