// Archive import: placeholder elements (isProxy: true) for relationship ends an archive
// references but does not define; an existing element is left untouched.
// Parameters: $rows, each {guid, properties, labels (validated by engine/typesystem.py)}.
// Returns: count of rows seen.
UNWIND $rows AS row
MERGE (n:Referenceable {guid: row.guid})
ON CREATE SET n = row.properties, n:$(row.labels)
RETURN count(n) AS written
