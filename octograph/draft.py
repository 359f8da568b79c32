"""A report's plain text -> a draft data folder: passages with offsets, structure, known mentions.

What the drafter cannot know (new entities, the relations passages state) is left as marked
placeholders (``octo:todo``) that ``octograph validate`` reports as unfinished until a person
completes them. Nothing is guessed silently.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from octograph.errors import InputError, OutputError
from octograph.prefixes import ID
from octograph.query import solutions
from octograph.segment import Segment, segment

if TYPE_CHECKING:
    from octograph.load import KnowledgeGraph

__all__ = ["Draft", "find_mentions", "label_index", "make_draft", "read_text", "write_draft"]

_LABELS = """
SELECT ?entity ?label WHERE {
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


def _variants(label: str) -> set[str]:
    """Spellings a label may take in running text: case, plural, hyphen or space."""
    base = " ".join(label.casefold().split())
    out = {base, base.replace("-", " "), base.replace(" ", "-")}
    for form in list(out):
        out |= {form + "s", form + "es"}
        if form.endswith("s"):
            out.add(form[:-1])
        if form.endswith("y"):
            out.add(form[:-1] + "ies")
    return {v for v in out if len(v) > 2}


def label_index(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """Every spelling of every known entity's labels -> the entities it names."""
    index: dict[str, set[str]] = {}
    for sol in solutions(kg.store, _LABELS):
        for variant in _variants(sol["label"].value):
            index.setdefault(variant, set()).add(sol["entity"].value)
    return index


def find_mentions(text: str, index: dict[str, set[str]]) -> dict[str, list[tuple[int, int]]]:
    """Entities named in *text*: IRI -> the (start, end) spans that name it.

    A spelling inside a longer one counts too ("Council of Europe" within "Secretary General of
    the Council of Europe"); of two spellings that cross without nesting, the longer wins.
    """
    folded = text.casefold().replace("\u2013", "-").replace("\u2019", "'")
    spans: list[tuple[int, int, str]] = []
    for spelling in sorted(index, key=len, reverse=True):
        # Words may be split by any white space, a line break included.
        words = r"\s+".join(re.escape(word) for word in spelling.split(" "))
        for m in re.finditer(rf"(?<![\w-]){words}(?![\w-])", folded):
            crossing = any(
                s < m.end() and m.start() < e and not (s <= m.start() and m.end() <= e)
                for s, e, _ in spans
            )
            if crossing:
                continue
            spans.append((m.start(), m.end(), spelling))
    found: dict[str, list[tuple[int, int]]] = {}
    for start, end, spelling in sorted(spans):
        for iri in sorted(index[spelling]):
            found.setdefault(iri, []).append((start, end))
    return found


@dataclass
class Draft:
    """What the drafter found: the passages, the key messages, the mentions per passage."""

    report_id: str
    text: str
    passages: list[Segment]
    messages: dict[int, int]  # passage number -> key message number
    mentions: dict[int, dict[str, list[tuple[int, int]]]]  # passage number -> IRI -> spans


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
    index = label_index(kg)
    mentions = {n: find_mentions(p.quote, index) for n, p in enumerate(passages, start=1)}
    return Draft(report_id, text, passages, _messages(passages, text), mentions)


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
