// Archive import: create or replace elements defined by an archive, keyed on guid.
// Parameters: $rows, each {guid, properties (complete property map), labels (validated by
// engine/typesystem.py), remove (labels of a previous type to drop), dates (keys of
// properties given as epoch microseconds, stored as DATETIME)}.
// Returns: count of rows written.
UNWIND $rows AS row
MERGE (n:Referenceable {guid: row.guid})
SET n = row.properties
SET n:$(row.labels)
REMOVE n:$(row.remove)
FOREACH (k IN row.dates | SET n[k] = datetime({epochSeconds: n[k] / 1000000, nanosecond: n[k] % 1000000 * 1000}))
RETURN count(n) AS written
