// Create or update relationships of one type, ends by qualifiedName. A template: the writer
// (engine/graph/writer.py) puts the relationship type (from engine/typesystem.py, never from
// input) in place of <<TYPE>> and keeps the lines tagged with the type's kind (untagged lines
// always): @single  one link per end 1 (AssetConnection, ConnectionConnectorType,
//                   ConnectToEndpoint): any other link of the type from end 1 is removed first,
//                   then the pair is MERGEd;
//           @several several links per end 1 (RegisteredIntegrationConnector,
//                   EmbeddedConnection): MERGEd on the pair of ends;
//           @keyed  several links per pair, keyed by catalogTargetName ('' when unset)
//                   (CatalogTarget): end 1 is write-locked first so concurrent writers cannot
//                   both create the same link.
// Parameters: $rows [{from, to, key, guid, props, expectedVersion}] (ends by qualifiedName),
//   $fixed (audit property names, never compared), $now (datetime), $user (string).
// Returns per row whose ends exist: from, to, key, guid, version, previousVersion, removed (links
//   replaced), outcome ('created' | 'updated' | 'unchanged' | 'conflict'). The relationship is
//   write-locked before comparing, so `version` rises by exactly 1 on a real change only.
UNWIND $rows AS row
MATCH (a:Referenceable {qualifiedName: row.from})
MATCH (b:Referenceable {qualifiedName: row.to})
CALL (a, b) {                                                         // @single
  OPTIONAL MATCH (a)-[old:<<TYPE>>]->(other)                          // @single
  WHERE other <> b                                                    // @single
  DELETE old                                                          // @single
  RETURN count(old) AS removed                                        // @single
}                                                                     // @single
SET a._lock = true                                                    // @keyed
REMOVE a._lock                                                        // @keyed
WITH a, b, row, 0 AS removed                                          // @several @keyed
MERGE (a)-[r:<<TYPE>>]->(b)                                           // @single @several
  ON CREATE SET r.guid = row.guid, r.version = 0, r.createTime = $now, r.createdBy = $user,  // @single @several
                r._new = true                                         // @single @several
CALL (a, b, row) {                                                    // @keyed
  OPTIONAL MATCH (a)-[e:<<TYPE>>]->(b)                                // @keyed
  WHERE coalesce(e.catalogTargetName, '') = row.key                   // @keyed
  WITH e ORDER BY e.createTime                                        // @keyed
  LIMIT 1                                                             // @keyed
  RETURN e                                                            // @keyed
}                                                                     // @keyed
CALL (a, b, row, e) {                                                 // @keyed
  WITH a, b, row, e WHERE e IS NULL                                   // @keyed
  CREATE (a)-[n:<<TYPE>> {guid: row.guid, version: 0, createTime: $now, createdBy: $user, _new: true}]->(b)  // @keyed
  RETURN n AS r                                                       // @keyed
  UNION                                                               // @keyed
  WITH e WHERE e IS NOT NULL                                          // @keyed
  RETURN e AS r                                                       // @keyed
}                                                                     // @keyed
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
