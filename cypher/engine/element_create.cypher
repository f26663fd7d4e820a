// Create elements that a plan (read in the same transaction) found missing, MERGEd on
// qualifiedName. A row whose element exists by now (a concurrent writer committed it first) is
// left untouched and reported with created = false; the caller then runs element_upsert on it.
// Parameters: $rows [{qualifiedName, guid, typeName, labels, props}], $now (datetime), $user.
// Returns per row: qualifiedName, guid, version, created.
UNWIND $rows AS row
MERGE (n:Referenceable {qualifiedName: row.qualifiedName})
  ON CREATE SET n += row.props, n.guid = row.guid, n.typeName = row.typeName, n.version = 1,
                n.createTime = $now, n.createdBy = $user, n.updateTime = $now,
                n.updatedBy = $user, n._new = true, n:$(row.labels)
WITH n, row, coalesce(n._new, false) AS created
REMOVE n._new
RETURN row.qualifiedName AS qualifiedName, n.guid AS guid, n.version AS version, created
