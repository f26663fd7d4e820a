// Archive import: create integration-group relationships (known not to exist yet).
// Parameters: $rows, each {start (guid of end 1), end (guid of end 2), type (a value of
// engine/typesystem.RELATIONSHIP_TYPES), properties (including guid and audit fields),
// dates (keys of properties given as epoch microseconds, stored as DATETIME)}.
// Returns: count of relationships created.
UNWIND $rows AS row
MATCH (a:Referenceable {guid: row.start})
MATCH (b:Referenceable {guid: row.end})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.properties
FOREACH (k IN row.dates | SET r[k] = datetime({epochSeconds: r[k] / 1000000, nanosecond: r[k] % 1000000 * 1000}))
RETURN count(r) AS created
