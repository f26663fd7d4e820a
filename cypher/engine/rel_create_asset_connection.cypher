// Create AssetConnection relationships that a plan (read in the same
// transaction) found missing, MERGEd on the pair of ends. A row whose relationship exists by now
// (a concurrent writer) is left untouched and reported with created = false; the caller then
// runs the matching rel_upsert_* query on it.
// Any other link of this type from end 1 is removed first (one per end 1).
// Parameters: $rows [{from, to, key, guid, props}] (ends by qualifiedName), $now, $user.
// Returns per row whose ends exist: from, to, key, guid, version, removed, created.
UNWIND $rows AS row
MATCH (a:Referenceable {qualifiedName: row.from})
MATCH (b:Referenceable {qualifiedName: row.to})
CALL (a, b) {
  OPTIONAL MATCH (a)-[old:ASSET_CONNECTION]->(other)
  WHERE other <> b
  DELETE old
  RETURN count(old) AS removed
}
MERGE (a)-[r:ASSET_CONNECTION]->(b)
  ON CREATE SET r += row.props, r.guid = row.guid, r.version = 1, r.createTime = $now,
                r.createdBy = $user, r.updateTime = $now, r.updatedBy = $user, r._new = true
WITH row, r, removed, coalesce(r._new, false) AS created
REMOVE r._new
RETURN row.from AS from, row.to AS to, row.key AS key, r.guid AS guid, r.version AS version,
       removed, created
