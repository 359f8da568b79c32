"""Ontology hygiene: every term labelled, commented and defined; a versioned header; tidy files."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from octograph.graph.load import bundled_ontology, bundled_shapes
from octograph.vocabulary import OCTO

ONTOLOGY = rdflib.URIRef("https://w3id.org/octograph/ontology")
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(bundled_ontology(), format="turtle")


def _terms(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in graph.subjects() if isinstance(s, rdflib.URIRef) and s.startswith(str(OCTO))}


def test_header_has_version_licence_and_prefix(ontology: rdflib.Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY, OWL.versionIRI) is not None
    assert ontology.value(ONTOLOGY, DCTERMS.license) is not None
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "octo"


def test_every_term_is_labelled_commented_and_defined(ontology: rdflib.Graph) -> None:
    for term in _terms(ontology):
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, RDFS.comment) is not None, term
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY, term
        english = [lab for lab in ontology.objects(term, RDFS.label) if lab.language == "en"]
        assert len(english) == 1, term


def test_closed_namespace_matches_the_ontology(ontology: rdflib.Graph) -> None:
    in_code = {OCTO[name] for name in OCTO.__annotations__}
    assert in_code == _terms(ontology)
    with pytest.raises(AttributeError):
        _ = OCTO.Threats  # a typo fails instead of minting a new IRI


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p.name) for p in (bundled_ontology(), bundled_shapes())]
)
def test_turtle_files_are_tidy(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fix = f"sed -i 's/[ \\t]*$//' {path}"
    assert text.endswith("\n"), f"{path} needs a final newline"
    assert not text.endswith("\n\n"), f"{path} ends with blank lines"
    bad = [
        i for i, line in enumerate(text.splitlines(), 1) if line != line.rstrip() or "\t" in line
    ]
    assert not bad, f"trailing space or tab on lines {bad}; fix: {fix} (and expand tabs)"
    prefixes = [line.split()[1] for line in text.splitlines() if line.startswith("@prefix")]
    assert prefixes == sorted(prefixes), f"sort the @prefix lines of {path}"
    for prefix in prefixes:
        assert text.count(prefix) > 1, f"unused prefix {prefix} in {path}"


def test_shapes_parse_and_target_ontology_classes(ontology: rdflib.Graph) -> None:
    shapes = rdflib.Graph().parse(bundled_shapes(), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targets = set(shapes.objects(None, sh.targetClass))
    assert targets
    declared = set(ontology.subjects(RDF.type, OWL.Class))
    assert targets <= declared, targets - declared
