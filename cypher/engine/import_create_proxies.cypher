// Archive import: placeholder elements (isProxy: true) for relationship ends an archive
// references but does not define; an existing element is left untouched.
// Parameters: $rows, each {guid, properties, labels (validated by engine/typesystem.py),
// dates (other keys given as epoch microseconds, stored as DATETIME); the audit times
// createTime and updateTime are always given as epoch microseconds}.
// Returns: one row: ids, a list of [guid, elementId] of every row's element.
UNWIND $rows AS row
MERGE (n:Referenceable {guid: row.guid})
ON CREATE SET n = row.properties, n:$(row.labels)
WITH n, row
CALL (n, row) {
  WITH n, row
  WHERE n.isProxy AND n.createTime IS :: INTEGER
  SET n.createTime = datetime({epochSeconds: row.properties.createTime / 1000000,
                               nanosecond: row.properties.createTime % 1000000 * 1000}),
      n.updateTime = datetime({epochSeconds: row.properties.updateTime / 1000000,
                               nanosecond: row.properties.updateTime % 1000000 * 1000})
  FOREACH (k IN row.dates | SET n[k] = datetime({epochSeconds: n[k] / 1000000, nanosecond: n[k] % 1000000 * 1000}))
}
RETURN collect([row.guid, elementId(n)]) AS ids
