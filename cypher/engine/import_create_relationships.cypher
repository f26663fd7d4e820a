// Archive import: create relationships of one type (<<TYPE>>, filled in by
// engine/graph/writer.py from engine/typesystem.py, never from input), known not to exist yet.
// Parameters: $rows, each {start, end (elementIds of end 1 and end 2, read or created in the
// same transaction), properties (guid,
// audit fields with createTime and updateTime (epoch microseconds,
// stored as DATETIME), dates (other keys given as epoch microseconds, stored as DATETIME)}.
// Returns: count of relationships created.
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.start
MATCH (b) WHERE elementId(b) = row.end
CREATE (a)-[r:<<TYPE>>]->(b)
SET r = row.properties
SET r.createTime = datetime({epochSeconds: row.properties.createTime / 1000000,
                             nanosecond: row.properties.createTime % 1000000 * 1000}),
    r.updateTime = datetime({epochSeconds: row.properties.updateTime / 1000000,
                             nanosecond: row.properties.updateTime % 1000000 * 1000})
FOREACH (k IN row.dates | SET r[k] = datetime({epochSeconds: r[k] / 1000000, nanosecond: r[k] % 1000000 * 1000}))
RETURN count(r) AS created
