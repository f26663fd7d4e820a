// Create or update AssetConnection relationships (connector -> Connection); a connector has one connection:
// any other link of this type from end 1 is removed first, then the pair is MERGEd.
// Parameters: $rows [{from, to, key, guid, props, expectedVersion}] (ends by qualifiedName),
//   $fixed (audit property names, never compared), $now (datetime), $user (string).
// Returns per row whose ends exist: from, to, key, guid, version, previousVersion, removed (links
//   replaced), outcome ('created' | 'updated' | 'unchanged' | 'conflict'). The relationship is
//   write-locked before comparing, so `version` rises by exactly 1 on a real change only.
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
  ON CREATE SET r.guid = row.guid, r.version = 0, r.createTime = $now, r.createdBy = $user,
                r._new = true
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
