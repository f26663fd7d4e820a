// History: bring the recorded state of relationships of the integration-group model up to
// their stored state (see history_sync_elements.cypher), for guids of relationships whose
// type is not known: each is looked for in every model type's guid index
// (history_sync_relationships_typed.cypher records those of a known type).
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
SET s += CASE WHEN r IS NULL
         THEN {_hKey: guid, _hKind: 'relationship', _hChangeSet: $changeSet, _hTime: $time,
               _hDeleted: true, _hType: h._hType, _hFrom: h._hFrom, _hTo: h._hTo}
         ELSE r {.*, _hKey: guid, _hKind: 'relationship', _hChangeSet: $changeSet,
                 _hTime: $time, _hDeleted: false, _hType: type(r),
                 _hFrom: startNode(r).guid, _hTo: endNode(r).guid}
         END
FOREACH (_ IN CASE WHEN h IS NULL THEN [] ELSE [1] END | SET h._hUntil = $time)
RETURN count(s) AS changed
