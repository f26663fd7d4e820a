// Create elements that a plan (read in the same transaction) found missing, all with one label
// set: plain CREATE, no MERGE lock or lookup per row. The uniqueness constraints on
// qualifiedName and guid still refuse an element that another transaction committed since
// the plan read; the whole apply then fails with a ConstraintViolation and is planned and
// written again with the MERGE queries (engine/graph/writer.py write_with_replan).
// Parameters: $labels (the label set, from engine/typesystem.py labels_for), $rows
//   [{qualifiedName, guid, typeName, props}], $now (datetime), $user (string).
// Returns: one row: ids, a list of [qualifiedName, elementId] of the elements created.
UNWIND $rows AS row
CREATE (n:$($labels))
SET n = row.props, n.qualifiedName = row.qualifiedName, n.guid = row.guid,
    n.typeName = row.typeName, n.version = 1, n.createTime = $now, n.createdBy = $user,
    n.updateTime = $now, n.updatedBy = $user
RETURN collect([row.qualifiedName, elementId(n)]) AS ids
