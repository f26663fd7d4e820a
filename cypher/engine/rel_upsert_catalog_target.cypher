// Create or update CatalogTarget relationships (IntegrationConnector -> any element). Several
// links per pair are allowed; the key is catalogTargetName ('' when unset). End 1 is write-locked
// first so concurrent writers cannot both create the same link.
// Parameters: $rows [{from, to, key, guid, props, expectedVersion}] (ends by qualifiedName),
//   $fixed (audit property names, never compared), $now (datetime), $user (string).
// Returns per row whose ends exist: from, to, key, guid, version, previousVersion, removed (links
//   replaced), outcome ('created' | 'updated' | 'unchanged' | 'conflict'). The relationship is
//   write-locked before comparing, so `version` rises by exactly 1 on a real change only.
UNWIND $rows AS row
MATCH (a:Referenceable {qualifiedName: row.from})
MATCH (b:Referenceable {qualifiedName: row.to})
SET a._lock = true
REMOVE a._lock
WITH a, b, row, 0 AS removed
CALL (a, b, row) {
  OPTIONAL MATCH (a)-[e:CATALOG_TARGET]->(b)
  WHERE coalesce(e.catalogTargetName, '') = row.key
  WITH e ORDER BY e.createTime
  LIMIT 1
  RETURN e
}
CALL (a, b, row, e) {
  WITH a, b, row, e WHERE e IS NULL
  CREATE (a)-[n:CATALOG_TARGET {guid: row.guid, version: 0, createTime: $now, createdBy: $user, _new: true}]->(b)
  RETURN n AS r
  UNION
  WITH e WHERE e IS NOT NULL
  RETURN e AS r
}
SET r._lock = true
REMOVE r._lock
WITH r, row, removed, coalesce(r._new, false) AS created, r.version AS before
REMOVE r._new
WITH r, row, removed, created, before, [k IN keys(r) WHERE NOT k IN $fixed] AS curKeys
WITH r, row, removed, created, before,
     row.expectedVersion IS NOT NULL AND (created OR before <> row.expectedVersion) AS conflict,
     NOT created AND size(curKeys) = size(keys(row.props))
       AND all(k IN curKeys WHERE coalesce(r[k] = row.props[k], false)) AS same
CALL (r, row, same, conflict) {
  WITH r, row WHERE NOT same AND NOT conflict
  WITH r, row, r.guid AS guid, r.version AS v, r.createTime AS ct, r.createdBy AS cb
  SET r = row.props
  SET r.guid = guid, r.version = coalesce(v, 0) + 1, r.createTime = coalesce(ct, $now),
      r.createdBy = coalesce(cb, $user), r.updateTime = $now, r.updatedBy = $user
}
RETURN row.from AS from, row.to AS to, row.key AS key, r.guid AS guid, r.version AS version,
       before AS previousVersion, removed,
       CASE WHEN conflict THEN 'conflict' WHEN created THEN 'created'
            WHEN same THEN 'unchanged' ELSE 'updated' END AS outcome
