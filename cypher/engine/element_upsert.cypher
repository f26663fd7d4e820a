// Create or replace elements, one per row, MERGEd on qualifiedName (backed by the
// :Referenceable(qualifiedName) uniqueness constraint). The node is write-locked before it is
// compared, so concurrent writers serialise: `version` goes up by exactly 1 on a real change and
// not at all when the stored properties already equal row.props. Nothing is written on a conflict
// or a guid mismatch; the caller raises and the transaction rolls back. Labels of the old type
// are removed only when typeName changes (labels other tools add stay).
// Parameters: $rows [{qualifiedName, guid, guidGiven, typeName, labels, props, expectedVersion}],
//   $fixed (identity and audit property names, never compared), $now (datetime), $user (string).
// Returns per row: qualifiedName, guid, version, previousVersion,
//   outcome ('created' | 'updated' | 'unchanged' | 'conflict' | 'guid_mismatch').
UNWIND $rows AS row
MERGE (n:Referenceable {qualifiedName: row.qualifiedName})
  ON CREATE SET n.guid = row.guid, n.typeName = row.typeName, n.version = 0,
                n.createTime = $now, n.createdBy = $user, n._new = true
SET n._lock = true
REMOVE n._lock
WITH n, row, coalesce(n._new, false) AS created, n.version AS before
REMOVE n._new
WITH n, row, created, before, [k IN keys(n) WHERE NOT k IN $fixed] AS curKeys
WITH n, row, created, before,
     row.expectedVersion IS NOT NULL AND (created OR before <> row.expectedVersion) AS conflict,
     row.guidGiven AND n.guid <> row.guid AS guidMismatch,
     NOT created AND n.typeName = row.typeName AND size(curKeys) = size(keys(row.props))
       AND all(k IN curKeys WHERE coalesce(n[k] = row.props[k], false)) AS same
CALL (n, row, same, conflict, guidMismatch) {
  WITH n, row WHERE NOT same AND NOT conflict AND NOT guidMismatch
  WITH n, row, n.guid AS guid, n.version AS v, n.createTime AS ct, n.createdBy AS cb,
       CASE WHEN n.typeName = row.typeName THEN []
            ELSE [l IN labels(n) WHERE NOT l IN row.labels] END AS stale
  SET n = row.props
  SET n.guid = guid, n.qualifiedName = row.qualifiedName, n.typeName = row.typeName,
      n.version = coalesce(v, 0) + 1, n.createTime = coalesce(ct, $now), n.createdBy = coalesce(cb, $user),
      n.updateTime = $now, n.updatedBy = $user
  REMOVE n:$(stale)
  SET n:$(row.labels)
}
RETURN row.qualifiedName AS qualifiedName, n.guid AS guid, n.version AS version,
       before AS previousVersion,
       CASE WHEN guidMismatch THEN 'guid_mismatch' WHEN conflict THEN 'conflict'
            WHEN created THEN 'created' WHEN same THEN 'unchanged' ELSE 'updated' END AS outcome
