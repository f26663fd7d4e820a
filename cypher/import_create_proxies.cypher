// Archive import: placeholder elements (isProxy: true) for relationship ends an archive
// references but does not define; an existing element is left untouched.
// Parameters: $rows, each {guid, properties, labels (validated by engine/typesystem.py),
// dates (keys of properties given as epoch microseconds, stored as DATETIME)}.
// Returns: count of placeholders created.
UNWIND $rows AS row
MERGE (n:Referenceable {guid: row.guid})
ON CREATE SET n = row.properties, n:$(row.labels)
WITH n, row
WHERE n.isProxy AND n.createTime IS :: INTEGER
FOREACH (k IN row.dates | SET n[k] = datetime({epochSeconds: n[k] / 1000000, nanosecond: n[k] % 1000000 * 1000}))
RETURN count(n) AS written
