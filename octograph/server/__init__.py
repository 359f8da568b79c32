"""HTTP: the SPARQL 1.1 Protocol endpoint and the pages for people."""
