// Create relationships of one type (<<TYPE>>, filled in by engine/graph/writer.py from
// engine/typesystem.py, never from input) whose end 1 this same transaction created: no other
// transaction can see end 1 yet, so none of its relationships can exist or be written by
// anyone else, and a plain CREATE needs no lock, no existence check and no removal of other
// links. Ends are found by the elementIds that the plan's read or the element creation of
// this transaction returned (not by index lookups).
// Parameters: $rows [{a, b (elementIds of end 1 and end 2), guid, props}], $now (datetime),
//   $user (string).
// Returns: one row: created, the number of relationships created (fewer than the rows when
//   an end 2 was deleted by another transaction since the plan read it).
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[r:<<TYPE>>]->(b)
SET r = row.props, r.guid = row.guid, r.version = 1, r.createTime = $now, r.createdBy = $user,
    r.updateTime = $now, r.updatedBy = $user
RETURN count(r) AS created
