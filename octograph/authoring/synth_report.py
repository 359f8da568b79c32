"""One report of a synthetic corpus: its text, cut into passages, and its graphs as TriG."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pyoxigraph as ox

from octograph.authoring.segment import Segment, segment
from octograph.authoring.synth_pools import MEASURES, MONTHS, SECTORS, TOPICS, Entity, Pool
from octograph.namespaces import ID, OCTO, PREFIXES

__all__ = ["HEADER", "Report", "definition", "graph"]

# A sentence, and the triples (subject, predicate, object as Turtle terms) it states.
Sentence = tuple[str, list[tuple[str, str, str]]]
# A passage as planned: its text, what it states, and its key message (None before them).
Planned = tuple[str, list[tuple[str, str, str]], int | None]

XSD = PREFIXES["xsd"]
SCHEMA = PREFIXES["schema"]

HEADER = "".join(
    f"@prefix {p}: <{PREFIXES[p]}> .\n"
    for p in ("dcterms", "kg", "oa", "octo", "rdfs", "schema", "xsd")
)


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


class Report:
    """One synthetic report: its text, passages and graphs, as TriG."""

    def __init__(self, number: int, seed: int, pools: dict[str, Pool]) -> None:
        self.rng = random.Random(f"octograph-synth {seed} {number}")
        self.code = f"synth-{number:05d}"
        self.base = f"{ID}{self.code}"
        self.number = number
        self.pools = pools
        self.used: list[Entity] = []  # shared entities this report states something about
        self.own: list[Entity] = []  # entities defined by this report

    def use(self, kind: str, avoid: Sequence[Entity] = ()) -> Entity:
        entity = self.pools[kind].draw(self.rng, avoid)
        self.used.append(entity)
        return entity

    def own_entity(self, kind: str, cls: str, label: str, comment: str) -> Entity:
        entity = Entity(f"{self.base}/{kind}/{len(self.own) + 1}", cls, label, comment)
        self.own.append(entity)
        return entity

    # -------------------------------------------------------- sentences and what they state

    def _sentence(self, message: str) -> Sentence:
        """One sentence of key message *message*, and the triples it states."""
        kind = self.rng.choice(("threat", "remedy", "instrument", "risk", "event", "capacity"))
        says = {
            "threat": self._threat,
            "remedy": self._remedy,
            "instrument": self._instrument,
            "risk": self._risk,
            "event": self._event,
            "capacity": self._capacity,
        }
        return says[kind](f"<{message}>", f"<{OCTO}")

    def _threat(self, m: str, o: str) -> Sentence:
        """A threat that undermines a value."""
        t, v = self.use("threat"), self.use("value")
        return (
            f"{_cap(t.label)} undermines {v.label}, a threat the report names.",
            [
                (m, o + "identifiesThreat>", f"<{t.iri}>"),
                (f"<{t.iri}>", o + "undermines>", f"<{v.iri}>"),
            ],
        )

    def _remedy(self, m: str, o: str) -> Sentence:
        """A remedy (shared, or the report's own) against a threat, and who it involves."""
        r = self.rng
        t = self.use("threat")
        s1 = self.use("body")
        s2 = self.use("country")
        if r.random() < 0.5:
            rem = self.use("remedy")
        else:
            measure = r.choice(MEASURES)
            rem = self.own_entity(
                "remedy",
                "Remedy",
                f"{measure} against {t.label} ({self.code})",
                f"A measure the report {self.code} proposes against {t.label}.",
            )
        return (
            f"{_cap(rem.label)} addresses {t.label}, involving the {s1.label} and {s2.label}.",
            [
                (m, o + "proposesRemedy>", f"<{rem.iri}>"),
                (f"<{rem.iri}>", o + "addresses>", f"<{t.iri}>"),
                (f"<{rem.iri}>", o + "involves>", f"<{s1.iri}>"),
                (f"<{rem.iri}>", o + "involves>", f"<{s2.iri}>"),
            ],
        )

    def _instrument(self, m: str, o: str) -> Sentence:
        """An instrument, the body that administers it, two countries it concerns."""
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

    def _risk(self, m: str, o: str) -> Sentence:
        """A remedy that puts a value at risk (stated as fact: a plain triple says no "may")."""
        rem, v = self.use("remedy"), self.use("value")
        return (
            f"Measures such as {rem.label} put {v.label} at risk.",
            [
                (f"<{rem.iri}>", o + "risks>", f"<{v.iri}>"),
                (m, o + "concernsValue>", f"<{v.iri}>"),
            ],
        )

    def _event(self, m: str, o: str) -> Sentence:
        """An event of the report's own that shows a threat."""
        r = self.rng
        t, c = self.use("threat"), self.use("country")
        sector = r.choice(SECTORS)
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

    def _capacity(self, m: str, o: str) -> Sentence:
        """Capacity building of the report's own, and who delivers it."""
        b, c = self.use("body"), self.use("country")
        rem = self.own_entity(
            "remedy",
            "CapacityBuilding",
            f"capacity building for {c.label} ({self.code})",
            f"Capacity building that the report {self.code} calls for.",
        )
        return (
            f"{_cap(rem.label)} is delivered by the {b.label}.",
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
        title, front = self._front()
        messages: list[list[Sentence]] = []
        for k in range(1, 3 + r.randrange(3)):
            uri = f"{self.base}/message/{k}"
            messages.append([self._sentence(uri) for _ in range(2 + r.randrange(3))])
        # The text, as a report would lay it out; then cut by the same segmenter as the real one.
        text = "\n\n".join(s for s, _ in front[:5]) + "\n\n" + front[5][0] + "\n\n" + front[6][0]
        text += "\n\n" + "\n".join("- " + " ".join(s for s, _ in msg) for msg in messages) + "\n"
        planned: list[Planned] = [(s, st, None) for s, st in front]
        planned += [(s, st, k) for k, msg in enumerate(messages, 1) for s, st in msg]
        segments = segment(text)
        if [x.quote for x in segments] != [s for s, _, _ in planned]:
            raise RuntimeError(f"{self.code}: the segmenter cut the generated text differently")
        return text, self._trig(text, planned, segments, messages, title), len(segments)

    def _front(self) -> tuple[str, list[Sentence]]:
        """The title, and the passages before the key messages with what they state."""
        r = self.rng
        conf, report = f"<{self.base}/conference>", f"<{self.base}>"
        o = f"<{OCTO}"
        topic = r.choice(TOPICS)
        year = 2030 + self.number % 40
        country = self.use("country")
        host = self.use("body")
        month = r.randrange(12)
        day = 1 + r.randrange(25)
        experts, nations = 50 + r.randrange(900), 10 + r.randrange(150)
        title = f"Synthetic Conference {self.number} on {topic}"
        front: list[Sentence] = [
            (title, [(report, o + "reportsOn>", conf)]),
            (
                f"Cooperation against {topic}",
                [(conf, o + "theme>", _lit(f"Cooperation against {topic}", "en"))],
            ),
            (
                f"{day}-{day + 2} {MONTHS[month]} {year}",
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
                self._figures(conf, experts, nations),
            ),
            (f"Key messages resulting from the conference on {topic} are:", []),
        ]
        return title, front

    def _figures(self, conf: str, experts: int, nations: int) -> list[tuple[str, str, str]]:
        """How many experts met, from how many countries: two figures of the conference."""
        o = f"<{OCTO}"
        return [
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
        ]

    def _trig(
        self,
        text: str,
        planned: list[Planned],
        segments: list[Segment],
        messages: list[list[Sentence]],
        title: str,
    ) -> str:
        b = self.base
        out = [HEADER, f"\n# Synthetic report {self.number}: generated by octograph synth.\n"]
        out.append(
            graph(f"{b}/graph/structure", self._structure(text, planned, segments, messages))
        )
        out.append(graph(f"{b}/graph/entities", self._definitions(messages, title)))
        # One graph per passage that states something.
        for n, (_, statements, _) in enumerate(planned, 1):
            if statements:
                body = [f"{s} {p} {o_} ." for s, p, o_ in statements]
                out.append(graph(f"{b}/passage/{n}", body))
        return "".join(out)

    def _structure(
        self,
        text: str,
        planned: list[Planned],
        segments: list[Segment],
        messages: list[list[Sentence]],
    ) -> list[str]:
        """The text, the messages, the passages and their selectors."""
        b = self.base
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
            st.append(self._passage(n, seg, text, stated=bool(statements), message=in_message))
        return st

    def _passage(
        self, n: int, seg: Segment, text: str, *, stated: bool, message: int | None
    ) -> str:
        """Passage *n*, where it is in the report, and its quote and position selectors."""
        b = self.base
        lines = [
            f"<{b}/passage/{n}> a octo:Passage ;",
            f"    rdfs:label {_lit(f'Passage {n}', 'en')} ;",
            f"    octo:passageNumber {n} ;",
            f"    octo:inReport <{b}> ;",
        ]
        if message is not None:
            lines.append(f"    octo:inKeyMessage <{b}/message/{message}> ;")
        if not stated:
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
        return "\n".join(lines)

    def _definitions(self, messages: list[list[Sentence]], title: str) -> list[str]:
        """The report, its conference, figures, key messages and entities of its own."""
        b = self.base
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
        en += [definition(e) for e in self.own]
        return en


def graph(name: str, statements: list[str]) -> str:
    """A named graph in TriG, its statements indented."""
    body = "\n".join("    " + s.replace("\n", "\n    ") for s in statements)
    return f"\n<{name}> {{\n{body}\n}}\n"


def definition(e: Entity) -> str:
    """The class, label and comment of *e*, in Turtle."""
    return (
        f"<{e.iri}> a octo:{e.cls} ;\n    rdfs:label {_lit(e.label, 'en')} ;\n"
        f"    rdfs:comment {_lit(e.comment, 'en')} ."
    )
