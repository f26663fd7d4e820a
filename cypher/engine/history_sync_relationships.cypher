// History: bring the recorded state of relationships of the integration-group model up to
// their stored state (see history_sync_elements.cypher). Each relationship is found by
// guid through its own type's guid index when the writer said its type, else through
// every model type's index.
// Parameters: $rels (list of {guid, type}: type may be null), $changeSet, $time.
// Returns: changed (number of new states).
UNWIND $rels AS rel
WITH rel.guid AS guid, rel.type AS t
CALL (guid, t) {
  WITH guid, t WHERE t IS NULL OR t = 'REGISTERED_INTEGRATION_CONNECTOR'
  MATCH ()-[r:REGISTERED_INTEGRATION_CONNECTOR {guid: guid}]->() RETURN r
  UNION ALL
  WITH guid, t WHERE t IS NULL OR t = 'ASSET_CONNECTION'
  MATCH ()-[r:ASSET_CONNECTION {guid: guid}]->() RETURN r
  UNION ALL
  WITH guid, t WHERE t IS NULL OR t = 'CONNECTION_CONNECTOR_TYPE'
  MATCH ()-[r:CONNECTION_CONNECTOR_TYPE {guid: guid}]->() RETURN r
  UNION ALL
  WITH guid, t WHERE t IS NULL OR t = 'CONNECT_TO_ENDPOINT'
  MATCH ()-[r:CONNECT_TO_ENDPOINT {guid: guid}]->() RETURN r
  UNION ALL
  WITH guid, t WHERE t IS NULL OR t = 'EMBEDDED_CONNECTION'
  MATCH ()-[r:EMBEDDED_CONNECTION {guid: guid}]->() RETURN r
  UNION ALL
  WITH guid, t WHERE t IS NULL OR t = 'CATALOG_TARGET'
  MATCH ()-[r:CATALOG_TARGET {guid: guid}]->() RETURN r
  UNION ALL
  RETURN null AS r
}
WITH guid, head(collect(r)) AS r
OPTIONAL MATCH (h:HistoryState {_hKey: guid})
  WHERE h._hUntil IS NULL
WITH guid, r, h
WHERE (r IS NOT NULL OR (h IS NOT NULL AND NOT h._hDeleted))
  AND (r IS NULL OR h IS NULL OR h._hDeleted
       OR size(keys(r)) <> size([k IN keys(h) WHERE NOT k STARTS WITH '_h'])
       OR any(k IN keys(r) WHERE NOT h[k] = r[k])
       OR startNode(r).guid <> h._hFrom OR endNode(r).guid <> h._hTo)
CREATE (s:HistoryState)
SET s = CASE WHEN r IS NULL THEN {} ELSE properties(r) END,
    s._hKey = guid,
    s._hKind = 'relationship',
    s._hChangeSet = $changeSet,
    s._hTime = $time,
    s._hDeleted = r IS NULL,
    s._hType = coalesce(type(r), h._hType),
    s._hFrom = coalesce(startNode(r).guid, h._hFrom),
    s._hTo = coalesce(endNode(r).guid, h._hTo)
FOREACH (_ IN CASE WHEN h IS NULL THEN [] ELSE [1] END | SET h._hUntil = $time)
RETURN count(s) AS changed
