"""The query library: one Cypher statement per file, loaded by name."""
