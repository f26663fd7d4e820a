// Archive import: create or replace elements defined by an archive, keyed on guid.
// Parameters: $rows, each {guid, properties (complete property map; the audit times createTime
// and updateTime given as epoch microseconds), labels (validated by engine/typesystem.py),
// remove (labels of a previous type to drop), dates (other keys given as epoch microseconds)}.
// Every value given as epoch microseconds is stored as a DATETIME.
// Returns: one row: ids, a list of [guid, elementId] of the elements written.
UNWIND $rows AS row
MERGE (n:Referenceable {guid: row.guid})
SET n = row.properties
SET n:$(row.labels)
REMOVE n:$(row.remove)
SET n.createTime = datetime({epochSeconds: row.properties.createTime / 1000000,
                             nanosecond: row.properties.createTime % 1000000 * 1000}),
    n.updateTime = datetime({epochSeconds: row.properties.updateTime / 1000000,
                             nanosecond: row.properties.updateTime % 1000000 * 1000})
FOREACH (k IN row.dates | SET n[k] = datetime({epochSeconds: n[k] / 1000000, nanosecond: n[k] % 1000000 * 1000}))
RETURN collect([row.guid, elementId(n)]) AS ids
