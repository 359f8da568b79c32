"""The shared entities of a synthetic corpus: the bundled report's first, then generated ones.

Each kind (instrument, body, country, threat, value, remedy) is a pool drawn from with a
Zipf-like skew, so that a few entities are everywhere and most are rare.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate

import pyoxigraph as ox

from octograph.namespaces import ID, OCTO, PREFIXES

__all__ = ["MEASURES", "MONTHS", "SECTORS", "TOPICS", "Entity", "Pool", "shared_pools"]

RDFS = PREFIXES["rdfs"]
ZIPF_EXPONENT = 1.1

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
TOPICS = (
    "ransomware", "online fraud", "identity theft", "cyber extortion", "botnets",
    "malware markets", "cryptocurrency laundering", "attacks on hospitals", "phishing",
    "business email compromise", "online hate speech", "cyber espionage", "doxing",
    "attacks on satellites", "deepfake abuse", "card skimming", "darknet markets",
    "sextortion", "supply chain attacks", "attacks on power grids",
)  # fmt: skip
SECTORS = (
    "hospitals", "schools", "ports", "banks", "water utilities", "courts", "airports",
    "municipalities", "broadcasters", "universities", "telecom operators", "railways",
)  # fmt: skip
_VALUES = (
    "privacy of communications", "presumption of innocence", "access to information",
    "freedom of assembly", "public safety", "trust in digital services", "legal certainty",
    "freedom of the press", "protection of victims", "fair trial", "data minimisation",
    "transparency of public action",
)  # fmt: skip
MEASURES = (
    "joint investigation teams", "a single point of contact", "shared incident taxonomies",
    "training of judges", "public-private information sharing", "victim support services",
    "specialised prosecution units", "mutual legal assistance online",
    "preservation requests", "awareness campaigns", "forensic laboratories",
    "cross-border data requests",
)  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


class Entity:
    """An entity of the shared pool or of one report: IRI, class, label, description."""

    __slots__ = ("cls", "comment", "iri", "label")

    def __init__(self, iri: str, cls: str, label: str, comment: str) -> None:
        self.iri, self.cls, self.label, self.comment = iri, cls, label, comment


class Pool:
    """Entities of one kind with Zipf weights: the first is drawn most, the tail rarely."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.entities = list(entities)
        weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(self.entities))]
        self.cumulative = list(accumulate(weights))

    def draw(self, rng: random.Random, avoid: Sequence[Entity] = ()) -> Entity:
        for _ in range(20):
            x = rng.random() * self.cumulative[-1]
            entity = self.entities[min(bisect_left(self.cumulative, x), len(self.entities) - 1)]
            if entity not in avoid:
                return entity
        return next(e for e in self.entities if e not in avoid)


def _bundled_entities() -> dict[str, list[Entity]]:
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
    out: dict[str, list[Entity]] = {k: [] for k in set(kinds.values())}
    for iri in order:
        kind = kinds.get(types[iri])
        label = labels.get(iri, "")
        # Labels with sentence punctuation would split a generated sentence in two.
        if kind and label and not any(c in label for c in '.:;!?"') and iri in comments:
            out[kind].append(Entity(iri, types[iri], label, comments[iri]))
    return out


def shared_pools() -> dict[str, Pool]:
    head = _bundled_entities()
    gen: dict[str, list[Entity]] = {k: [] for k in head}
    for name in _COUNTRIES:
        label = name.replace("-", " ")
        gen["country"].append(
            Entity(ID + "synth/country/" + name.lower(), "Country", label, f"The state {label}.")
        )
    for topic in TOPICS:
        slug = topic.replace(" ", "-")
        gen["threat"].append(
            Entity(ID + f"synth/threat/{slug}", "Threat", topic, f"Offences known as {topic}.")
        )
        gen["instrument"].append(
            Entity(
                ID + f"synth/instrument/{slug}",
                "Treaty",
                f"Convention against {topic}",
                f"A treaty on cooperation against {topic}.",
            )
        )
    for name in _COUNTRIES[:40]:
        label = f"national cybercrime unit of {name.replace('-', ' ')}"
        gen["body"].append(
            Entity(
                ID + f"synth/body/{name.lower()}-cybercrime-unit",
                "Body",
                label,
                f"The law enforcement unit that handles cybercrime in {name.replace('-', ' ')}.",
            )
        )
    for value in _VALUES:
        gen["value"].append(
            Entity(
                ID + "synth/value/" + value.replace(" ", "-"),
                "Value",
                value,
                f"The value of {value}.",
            )
        )
    for measure in MEASURES:
        gen["remedy"].append(
            Entity(
                ID + "synth/remedy/" + measure.replace(" ", "-").removeprefix("a-"),
                "Remedy",
                measure,
                f"The measure of {measure}.",
            )
        )
    return {kind: Pool(head[kind] + gen[kind]) for kind in head}


# ---------------------------------------------------------------- one report
