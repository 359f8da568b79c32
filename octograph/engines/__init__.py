"""Who answers: one Engine interface; embedded Oxigraph, rdflib, a remote SPARQL server."""
