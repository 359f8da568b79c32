"""Namespace IRIs and the prefixes every query may use without declaring them.

Kept free of imports so that the query path can use it without loading rdflib.
"""

from __future__ import annotations

__all__ = ["ENTITIES_GRAPH", "ID", "OCTO", "ONTOLOGY", "ONTOLOGY_GRAPH", "PREFIXES"]

OCTO = "https://w3id.org/octograph/ontology#"
ONTOLOGY = "https://w3id.org/octograph/ontology"
ONTOLOGY_GRAPH = ONTOLOGY
ID = "https://w3id.org/octograph/id/"
ENTITIES_GRAPH = ID + "graph/entities"

PREFIXES: dict[str, str] = {
    "octo": OCTO,
    "kg": ID,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
}
