"""Everything that touches Neo4j: the store (the only driver user), the writer,
reading, one-query resolution, the schema and the analysts' query library."""
