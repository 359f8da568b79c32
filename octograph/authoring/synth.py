"""A synthetic corpus for benchmarks: many reports shaped like the Octopus 2019 key messages.

Each report is written as the real one is built: its text first (a title page, an opening
paragraph with figures, key messages as list items of a few sentences), then the text is cut
into passages by ``octograph.segment.segment``, then each passage states the relations its
sentence names, in its own named graph, with quote and position selectors into that text.
Shared entities (instruments, bodies, countries, threats, values, remedies) are drawn with a
Zipf-like skew from a pool whose head is the bundled report's own entities, so that a few are
everywhere and most are rare; each report also defines remedies and events of its own.

The same seed gives the same bytes; the folder is written aside and renamed into place.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from octograph.authoring.segment import segment
from octograph.errors import OutputError
from octograph.namespaces import ENTITIES_GRAPH, ID, OCTO, PREFIXES

__all__ = ["synthesize"]

RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
OA = PREFIXES["oa"]
SCHEMA = PREFIXES["schema"]
DCTERMS = PREFIXES["dcterms"]
ZIPF_EXPONENT = 1.1
FORMAT_VERSION = 1

_HEADER = "".join(
    f"@prefix {p}: <{PREFIXES[p]}> .\n"
    for p in ("dcterms", "kg", "oa", "octo", "rdfs", "schema", "xsd")
)

# Names for the generated part of the shared pool (the bundled report's entities come first).
_COUNTRIES = (
    "Albania", "Andorra", "Argentina", "Armenia", "Australia", "Austria", "Azerbaijan",
    "Belgium", "Benin", "Bosnia-Herzegovina", "Brazil", "Bulgaria", "Burkina-Faso",
    "Cabo-Verde", "Cameroon", "Canada", "Chile", "Colombia", "Croatia", "Cyprus", "Czechia",
    "Denmark", "Dominican-Republic", "Ecuador", "Egypt", "Finland", "Georgia", "Germany",
    "Greece", "Iceland", "India", "Indonesia", "Ireland", "Israel", "Italy", "Jordan", "Kenya",
    "Kiribati", "Latvia", "Lebanon", "Liechtenstein", "Lithuania", "Luxembourg", "Malawi",
    "Malta", "Mauritius", "Mexico", "Moldova", "Montenegro", "Morocco", "Mozambique",
    "Namibia", "Niger", "Nigeria", "North-Macedonia", "Norway", "Panama", "Paraguay", "Peru",
    "Philippines", "Poland", "Portugal", "Rwanda", "Senegal", "Serbia", "Seychelles",
    "Sierra-Leone", "Slovenia", "South-Africa", "Spain", "Sweden", "Switzerland", "Tanzania",
    "Thailand", "Togo", "Tonga", "Tunisia", "Uganda", "Ukraine", "Uruguay", "Vanuatu",
    "Zambia",
)  # fmt: skip
_TOPICS = (
    "ransomware", "online fraud", "identity theft", "cyber extortion", "botnets",
    "malware markets", "cryptocurrency laundering", "attacks on hospitals", "phishing",
    "business email compromise", "online hate speech", "cyber espionage", "doxing",
    "attacks on satellites", "deepfake abuse", "card skimming", "darknet markets",
    "sextortion", "supply chain attacks", "attacks on power grids",
)  # fmt: skip
_SECTORS = (
    "hospitals", "schools", "ports", "banks", "water utilities", "courts", "airports",
    "municipalities", "broadcasters", "universities", "telecom operators", "railways",
)  # fmt: skip
_VALUES = (
    "privacy of communications", "presumption of innocence", "access to information",
    "freedom of assembly", "public safety", "trust in digital services", "legal certainty",
    "freedom of the press", "protection of victims", "fair trial", "data minimisation",
    "transparency of public action",
)  # fmt: skip
_MEASURES = (
    "joint investigation teams", "a single point of contact", "shared incident taxonomies",
    "training of judges", "public-private information sharing", "victim support services",
    "specialised prosecution units", "mutual legal assistance online",
    "preservation requests", "awareness campaigns", "forensic laboratories",
    "cross-border data requests",
)  # fmt: skip
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


class _Entity:
    """An entity of the shared pool or of one report: IRI, class, label, description."""

    __slots__ = ("cls", "comment", "iri", "label")

    def __init__(self, iri: str, cls: str, label: str, comment: str) -> None:
        self.iri, self.cls, self.label, self.comment = iri, cls, label, comment


class _Pool:
    """Entities of one kind with Zipf weights: the first is drawn most, the tail rarely."""

    def __init__(self, entities: Sequence[_Entity]) -> None:
        self.entities = list(entities)
        weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(self.entities))]
        self.cumulative = list(accumulate(weights))

    def draw(self, rng: random.Random, avoid: Sequence[_Entity] = ()) -> _Entity:
        for _ in range(20):
            x = rng.random() * self.cumulative[-1]
            entity = self.entities[min(bisect_left(self.cumulative, x), len(self.entities) - 1)]
            if entity not in avoid:
                return entity
        return next(e for e in self.entities if e not in avoid)


def _bundled_entities() -> dict[str, list[_Entity]]:
    """The bundled shared entities by top class, in file order: the head of each pool."""
    from octograph.graph.load import bundled_data

    path = bundled_data() / "common" / "entities.trig"
    types: dict[str, str] = {}
    labels: dict[str, str] = {}
    comments: dict[str, str] = {}
    order: list[str] = []
    for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
        s, p, o = q.subject, q.predicate.value, q.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == PREFIXES["rdf"] + "type" and isinstance(o, ox.NamedNode):
            if s.value not in types:
                order.append(s.value)
            types[s.value] = o.value.removeprefix(OCTO)
        elif p == RDFS + "label" and isinstance(o, ox.Literal) and o.language == "en":
            labels[s.value] = o.value
        elif p == RDFS + "comment" and isinstance(o, ox.Literal):
            comments[s.value] = o.value
    kinds = {
        "Threat": "threat",
        "Remedy": "remedy",
        "CapacityBuilding": "remedy",
        "Value": "value",
        "Country": "country",
        "Body": "body",
        "Organisation": "body",
        "Office": "body",
        "Treaty": "instrument",
        "Protocol": "instrument",
        "PoliticalCommitment": "instrument",
        "Guidance": "instrument",
    }
    out: dict[str, list[_Entity]] = {k: [] for k in set(kinds.values())}
    for iri in order:
        kind = kinds.get(types[iri])
        label = labels.get(iri, "")
        # Labels with sentence punctuation would split a generated sentence in two.
        if kind and label and not any(c in label for c in '.:;!?"') and iri in comments:
            out[kind].append(_Entity(iri, types[iri], label, comments[iri]))
    return out


def _shared_pools() -> dict[str, _Pool]:
    head = _bundled_entities()
    gen: dict[str, list[_Entity]] = {k: [] for k in head}
    for name in _COUNTRIES:
        label = name.replace("-", " ")
        gen["country"].append(
            _Entity(ID + "synth/country/" + name.lower(), "Country", label, f"The state {label}.")
        )
    for topic in _TOPICS:
        slug = topic.replace(" ", "-")
        gen["threat"].append(
            _Entity(ID + f"synth/threat/{slug}", "Threat", topic, f"Offences known as {topic}.")
        )
        gen["instrument"].append(
            _Entity(
                ID + f"synth/instrument/{slug}",
                "Treaty",
                f"Convention against {topic}",
                f"A treaty on cooperation against {topic}.",
            )
        )
    for name in _COUNTRIES[:40]:
        label = f"national cybercrime unit of {name.replace('-', ' ')}"
        gen["body"].append(
            _Entity(
                ID + f"synth/body/{name.lower()}-cybercrime-unit",
                "Body",
                label,
                f"The law enforcement unit that handles cybercrime in {name.replace('-', ' ')}.",
            )
        )
    for value in _VALUES:
        gen["value"].append(
            _Entity(
                ID + "synth/value/" + value.replace(" ", "-"),
                "Value",
                value,
                f"The value of {value}.",
            )
        )
    for measure in _MEASURES:
        gen["remedy"].append(
            _Entity(
                ID + "synth/remedy/" + measure.replace(" ", "-").removeprefix("a-"),
                "Remedy",
                measure,
                f"The measure of {measure}.",
            )
        )
    return {kind: _Pool(head[kind] + gen[kind]) for kind in head}


# ---------------------------------------------------------------- one report


def _lit(value: str | int, lang: str | None = None, datatype: str | None = None) -> str:
    if isinstance(value, int):
        return str(value)  # an xsd:integer in Turtle
    if lang:
        return str(ox.Literal(value, language=lang))
    if datatype:
        return str(ox.Literal(value, datatype=ox.NamedNode(datatype)))
    return str(ox.Literal(value))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Report:
    """One synthetic report: its text, passages and graphs, as TriG."""

    def __init__(self, number: int, seed: int, pools: dict[str, _Pool]) -> None:
        self.rng = random.Random(f"octograph-synth {seed} {number}")
        self.code = f"synth-{number:05d}"
        self.base = f"{ID}{self.code}"
        self.number = number
        self.pools = pools
        self.used: list[_Entity] = []  # shared entities this report states something about
        self.own: list[_Entity] = []  # entities defined by this report

    def use(self, kind: str, avoid: Sequence[_Entity] = ()) -> _Entity:
        entity = self.pools[kind].draw(self.rng, avoid)
        self.used.append(entity)
        return entity

    def own_entity(self, kind: str, cls: str, label: str, comment: str) -> _Entity:
        entity = _Entity(f"{self.base}/{kind}/{len(self.own) + 1}", cls, label, comment)
        self.own.append(entity)
        return entity

    # -------------------------------------------------------- sentences and what they state

    def _sentence(self, message: str) -> tuple[str, list[tuple[str, str, str]]]:
        r, _conf = self.rng, f"{self.base}/conference"
        kind = r.choice(("threat", "remedy", "instrument", "risk", "event", "capacity"))
        m = f"<{message}>"
        o = f"<{OCTO}"
        if kind == "threat":
            t, v = self.use("threat"), self.use("value")
            return (
                f"{_cap(t.label)} undermines {v.label} and must be countered.",
                [
                    (m, o + "identifiesThreat>", f"<{t.iri}>"),
                    (f"<{t.iri}>", o + "undermines>", f"<{v.iri}>"),
                ],
            )
        if kind == "remedy":
            t = self.use("threat")
            s1 = self.use("body")
            s2 = self.use("country")
            if r.random() < 0.5:
                rem = self.use("remedy")
            else:
                measure = r.choice(_MEASURES)
                rem = self.own_entity(
                    "remedy",
                    "Remedy",
                    f"{measure} against {t.label} ({self.code})",
                    f"A measure the report {self.code} proposes against {t.label}.",
                )
            return (
                f"{_cap(rem.label)} should address {t.label}, "
                f"involving the {s1.label} and {s2.label}.",
                [
                    (m, o + "proposesRemedy>", f"<{rem.iri}>"),
                    (f"<{rem.iri}>", o + "addresses>", f"<{t.iri}>"),
                    (f"<{rem.iri}>", o + "involves>", f"<{s1.iri}>"),
                    (f"<{rem.iri}>", o + "involves>", f"<{s2.iri}>"),
                ],
            )
        if kind == "instrument":
            i, b = self.use("instrument"), self.use("body")
            c1 = self.use("country")
            c2 = self.use("country", avoid=[c1])
            return (
                f"The {i.label}, administered by the {b.label}, remains the reference for "
                f"{c1.label} and {c2.label}.",
                [
                    (m, o + "citesInstrument>", f"<{i.iri}>"),
                    (f"<{i.iri}>", o + "administeredBy>", f"<{b.iri}>"),
                    (m, o + "mentionsStakeholder>", f"<{c1.iri}>"),
                    (m, o + "mentionsStakeholder>", f"<{c2.iri}>"),
                ],
            )
        if kind == "risk":
            rem, v = self.use("remedy"), self.use("value")
            return (
                f"Measures such as {rem.label} may put {v.label} at risk.",
                [
                    (f"<{rem.iri}>", o + "risks>", f"<{v.iri}>"),
                    (m, o + "concernsValue>", f"<{v.iri}>"),
                ],
            )
        if kind == "event":
            t, c = self.use("threat"), self.use("country")
            sector = r.choice(_SECTORS)
            year = 2020 + r.randrange(15)
            e = self.own_entity(
                "event",
                "Event",
                f"the attack on {sector} in {c.label} in {year}",
                f"An attack on {sector} that the report {self.code} cites.",
            )
            return (
                f"{_cap(e.label)} showed the scale of {t.label}.",
                [
                    (m, o + "citesEvent>", f"<{e.iri}>"),
                    (f"<{e.iri}>", o + "exemplifies>", f"<{t.iri}>"),
                    (f"<{e.iri}>", o + "location>", f"<{c.iri}>"),
                ],
            )
        b, c = self.use("body"), self.use("country")
        rem = self.own_entity(
            "remedy",
            "CapacityBuilding",
            f"capacity building for {c.label} ({self.code})",
            f"Capacity building that the report {self.code} calls for.",
        )
        return (
            f"{_cap(rem.label)} should be delivered by the {b.label}.",
            [
                (m, o + "proposesRemedy>", f"<{rem.iri}>"),
                (f"<{rem.iri}>", o + "deliveredBy>", f"<{b.iri}>"),
                (f"<{rem.iri}>", o + "benefits>", f"<{c.iri}>"),
            ],
        )

    # -------------------------------------------------------- the whole report

    def build(self) -> tuple[str, str, int]:
        """The report's text, its TriG, and its passage count."""
        r = self.rng
        conf, report = f"<{self.base}/conference>", f"<{self.base}>"
        o = f"<{OCTO}"
        topic = r.choice(_TOPICS)
        year = 2030 + self.number % 40
        country = self.use("country")
        host = self.use("body")
        month = r.randrange(12)
        day = 1 + r.randrange(25)
        experts, nations = 50 + r.randrange(900), 10 + r.randrange(150)
        title = f"Synthetic Conference {self.number} on {topic}"
        front: list[tuple[str, list[tuple[str, str, str]]]] = [
            (title, [(report, o + "reportsOn>", conf)]),
            (
                f"Cooperation against {topic}",
                [(conf, o + "theme>", _lit(f"Cooperation against {topic}", "en"))],
            ),
            (
                f"{day}-{day + 2} {_MONTHS[month]} {year}",
                [
                    (
                        conf,
                        f"<{SCHEMA}startDate>",
                        _lit(f"{year}-{month + 1:02d}-{day:02d}", datatype=XSD + "date"),
                    ),
                    (
                        conf,
                        f"<{SCHEMA}endDate>",
                        _lit(f"{year}-{month + 1:02d}-{day + 2:02d}", datatype=XSD + "date"),
                    ),
                ],
            ),
            (
                f"Hosted by the {host.label} in {country.label}",
                [
                    (conf, o + "hostedBy>", f"<{host.iri}>"),
                    (conf, o + "location>", f"<{country.iri}>"),
                ],
            ),
            ("Key messages", []),
            (
                f"Some {experts} experts from more than {nations} countries met for the conference "
                f"on {topic}.",
                [
                    (conf, o + "participantCount>", f"<{self.base}/figure/experts>"),
                    (conf, o + "participantCountryCount>", f"<{self.base}/figure/countries>"),
                    (f"<{self.base}/figure/experts>", f"<{SCHEMA}value>", str(experts)),
                    (f"<{self.base}/figure/experts>", o + "approximation>", o + "approximately>"),
                    (f"<{self.base}/figure/experts>", f"<{SCHEMA}unitText>", _lit("experts", "en")),
                    (f"<{self.base}/figure/countries>", f"<{SCHEMA}value>", str(nations)),
                    (f"<{self.base}/figure/countries>", o + "approximation>", o + "moreThan>"),
                    (
                        f"<{self.base}/figure/countries>",
                        f"<{SCHEMA}unitText>",
                        _lit("countries", "en"),
                    ),
                ],
            ),
            (f"Key messages resulting from the conference on {topic} are:", []),
        ]
        messages: list[list[tuple[str, list[tuple[str, str, str]]]]] = []
        for k in range(1, 3 + r.randrange(3)):
            uri = f"{self.base}/message/{k}"
            messages.append([self._sentence(uri) for _ in range(2 + r.randrange(3))])
        # The text, as a report would lay it out; then cut by the same segmenter as the real one.
        text = "\n\n".join(s for s, _ in front[:5]) + "\n\n" + front[5][0] + "\n\n" + front[6][0]
        text += "\n\n" + "\n".join("- " + " ".join(s for s, _ in msg) for msg in messages) + "\n"
        planned: list[tuple[str, list[tuple[str, str, str]], int | None]] = [
            (s, st, None) for s, st in front
        ]
        planned += [(s, st, k) for k, msg in enumerate(messages, 1) for s, st in msg]
        segments = segment(text)
        if [x.quote for x in segments] != [s for s, _, _ in planned]:
            raise RuntimeError(f"{self.code}: the segmenter cut the generated text differently")
        return text, self._trig(text, planned, segments, messages, title), len(segments)

    def _trig(
        self,
        text: str,
        planned: list[tuple[str, list[tuple[str, str, str]], int | None]],
        segments: list[Any],
        messages: list[list[tuple[str, list[tuple[str, str, str]]]]],
        title: str,
    ) -> str:
        b = self.base
        out = [_HEADER, f"\n# Synthetic report {self.number}: generated by octograph synth.\n"]
        # ---- structure: the text, the messages, the passages and their selectors
        st = [
            f"<{b}> octo:sourceText <{b}/text> ;\n    octo:hasKeyMessage "
            + ", ".join(f"<{b}/message/{k}>" for k in range(1, len(messages) + 1))
            + " .",
            f"<{b}/text> a octo:SourceText ;\n"
            f"    rdfs:label {_lit(f'Source text of synthetic report {self.number}', 'en')} ;\n"
            f"    octo:content {_lit(text)} .",
        ]
        for k in range(1, len(messages) + 1):
            st.append(f"<{b}/message/{k}> octo:messageNumber {k} ;\n    octo:inReport <{b}> .")
        for n, (seg, (_, statements, in_message)) in enumerate(
            zip(segments, planned, strict=True), 1
        ):
            p = f"<{b}/passage/{n}>"
            lines = [
                f"{p} a octo:Passage ;",
                f"    rdfs:label {_lit(f'Passage {n}', 'en')} ;",
                f"    octo:passageNumber {n} ;",
                f"    octo:inReport <{b}> ;",
            ]
            if in_message is not None:
                lines.append(f"    octo:inKeyMessage <{b}/message/{in_message}> ;")
            if not statements:
                lines.append(
                    f"    octo:noStatementReason {_lit('A heading that states nothing.', 'en')} ;"
                )
            lines += [
                f"    oa:hasSource <{b}/text> ;",
                f"    oa:hasSelector <{b}/passage/{n}-quote>, <{b}/passage/{n}-position> .",
                f"<{b}/passage/{n}-quote> a oa:TextQuoteSelector ;",
                f"    oa:exact {_lit(seg.quote)} ;",
                f"    oa:prefix {_lit(text[max(0, seg.start - 32) : seg.start])} ;",
                f"    oa:suffix {_lit(text[seg.end : seg.end + 32])} .",
                f"<{b}/passage/{n}-position> a oa:TextPositionSelector ;",
                f"    oa:start {seg.start} ;",
                f"    oa:end {seg.end} .",
            ]
            st.append("\n".join(lines))
        out.append(_graph(f"{b}/graph/structure", st))
        # ---- definitions that belong to this report
        en = [
            f"<{b}> a octo:Report ;\n    rdfs:label {_lit(f'{title} — Key messages', 'en')} ;\n"
            f"    dcterms:title {_lit(f'{title}: Key messages', 'en')} ;\n"
            f"    rdfs:comment {_lit(f'The key messages of synthetic report {self.number}.', 'en')}"
            " .",
            f"<{b}/conference> a octo:Conference ;\n    rdfs:label {_lit(title, 'en')} ;\n"
            f"    rdfs:comment {_lit(f'A synthetic conference, number {self.number}.', 'en')} .",
            f"<{b}/figure/experts> a octo:Figure ;\n"
            f"    rdfs:label {_lit('the experts who met', 'en')} .",
            f"<{b}/figure/countries> a octo:Figure ;\n"
            f"    rdfs:label {_lit('the countries they came from', 'en')} .",
        ]
        for k, msg in enumerate(messages, 1):
            head = msg[0][0].split(",")[0].rstrip(".")
            en.append(
                f"<{b}/message/{k}> a octo:KeyMessage ;\n"
                f"    rdfs:label {_lit(f'Key message {k}: {head}', 'en')} ;\n"
                f"    dcterms:title {_lit(head, 'en')} ."
            )
        for e in self.own:
            en.append(_definition(e))
        out.append(_graph(f"{b}/graph/entities", en))
        # ---- one graph per passage that states something
        for n, (_, statements, _) in enumerate(planned, 1):
            if statements:
                body = [f"{s} {p} {o_} ." for s, p, o_ in statements]
                out.append(_graph(f"{b}/passage/{n}", body))
        return "".join(out)


def _graph(name: str, statements: list[str]) -> str:
    body = "\n".join("    " + s.replace("\n", "\n    ") for s in statements)
    return f"\n<{name}> {{\n{body}\n}}\n"


def _definition(e: _Entity) -> str:
    return (
        f"<{e.iri}> a octo:{e.cls} ;\n    rdfs:label {_lit(e.label, 'en')} ;\n"
        f"    rdfs:comment {_lit(e.comment, 'en')} ."
    )


# ---------------------------------------------------------------- the corpus


def synthesize(output: str | os.PathLike[str], *, reports: int, seed: int = 0) -> dict[str, int]:
    """Write *reports* synthetic reports to the folder *output* (replaced as a whole).

    Returns counts: reports, passages, shared entities. The folder holds ``common/`` (the
    shared entities the reports use), one folder per report (``report.txt``, ``report.trig``)
    and ``synth.json`` (seed and counts), which also marks it as replaceable.

    Raises:
        OutputError: the parent folder is missing, or *output* is a folder of something else.
    """
    target = Path(output)
    if reports < 1:
        raise OutputError("--reports must be at least 1", path=str(target))
    if not target.parent.is_dir():
        raise OutputError("folder does not exist", path=str(target.parent))
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / "synth.json").is_file())
    ):
        raise OutputError(
            "exists and is not a synthetic corpus (no synth.json); choose another folder",
            path=str(target),
        )
    pools = _shared_pools()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp's 0700 is for secrets; a corpus is for reading
        used: dict[str, _Entity] = {}
        passages = 0
        for number in range(1, reports + 1):
            report = _Report(number, seed, pools)
            text, trig, count = report.build()
            passages += count
            folder = tmp / report.code
            folder.mkdir()
            (folder / "report.txt").write_text(text, encoding="utf-8")
            (folder / "report.trig").write_text(trig, encoding="utf-8")
            for e in report.used:
                used.setdefault(e.iri, e)
        (tmp / "common").mkdir()
        shared = [_definition(used[iri]) for iri in sorted(used)]
        (tmp / "common" / "entities.trig").write_text(
            _HEADER
            + "\n# Shared entities the synthetic reports use (the bundled ones keep their IRIs).\n"
            + _graph(ENTITIES_GRAPH, shared),
            encoding="utf-8",
        )
        summary = {"reports": reports, "passages": passages, "shared_entities": len(used)}
        (tmp / "synth.json").write_text(
            json.dumps({"format": FORMAT_VERSION, "seed": seed, **summary}, indent=1) + "\n",
            encoding="utf-8",
        )
        old = None
        if target.exists():
            old = target.parent / f"{tmp.name}.old"
            os.rename(target, old)
        os.rename(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary
