// Create CatalogTarget relationships (IntegrationConnector -> any element) that a plan (read in
// the same transaction) found missing. Several links per pair are allowed; the key is
// catalogTargetName ('' when unset). End 1 is write-locked first, so concurrent writers cannot
// both create the same link; a row whose link exists by now is left untouched and reported
// with created = false (the caller then runs rel_upsert_catalog_target on it).
// Parameters: $rows [{from, to, key, guid, props}] (ends by qualifiedName), $now, $user.
// Returns per row whose ends exist: from, to, key, guid, version, removed (always 0), created.
UNWIND $rows AS row
MATCH (a:Referenceable {qualifiedName: row.from})
MATCH (b:Referenceable {qualifiedName: row.to})
SET a._lock = true
REMOVE a._lock
WITH a, b, row
CALL (a, b, row) {
  OPTIONAL MATCH (a)-[e:CATALOG_TARGET]->(b)
  WHERE coalesce(e.catalogTargetName, '') = row.key
  RETURN count(e) AS existing
}
CALL (a, b, row, existing) {
  WITH a, b, row WHERE existing = 0
  CREATE (a)-[r:CATALOG_TARGET]->(b)
  SET r += row.props, r.guid = row.guid, r.version = 1, r.createTime = $now,
      r.createdBy = $user, r.updateTime = $now, r.updatedBy = $user
}
RETURN row.from AS from, row.to AS to, row.key AS key, row.guid AS guid, 1 AS version,
       0 AS removed, existing = 0 AS created
