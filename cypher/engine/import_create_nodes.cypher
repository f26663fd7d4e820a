// Archive import: create elements that the same transaction's lookup proved absent, all with
// one label set (no MERGE: the uniqueness constraints still refuse a guid or qualifiedName
// that another transaction committed meanwhile, and the importer then retries with MERGE).
// Parameters: $labels (the label set, validated by engine/typesystem.py); $rows, each {guid,
// properties (complete property map; the audit times createTime and updateTime given as epoch
// microseconds), dates (other keys given as epoch microseconds)}. Every value given as epoch
// microseconds is stored as a DATETIME.
// Returns: one row: ids, a list of [guid, elementId] of the elements created.
UNWIND $rows AS row
CREATE (n:$($labels))
SET n = row.properties
SET n.createTime = datetime({epochSeconds: row.properties.createTime / 1000000,
                             nanosecond: row.properties.createTime % 1000000 * 1000}),
    n.updateTime = datetime({epochSeconds: row.properties.updateTime / 1000000,
                             nanosecond: row.properties.updateTime % 1000000 * 1000})
FOREACH (k IN row.dates | SET n[k] = datetime({epochSeconds: n[k] / 1000000, nanosecond: n[k] % 1000000 * 1000}))
RETURN collect([row.guid, elementId(n)]) AS ids
