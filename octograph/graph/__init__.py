"""Files -> the knowledge graph: reading, loading, validating, exporting."""
