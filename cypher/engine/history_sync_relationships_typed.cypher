// History: bring the recorded state of relationships of one type of the integration-group
// model up to their stored state (see history_sync_elements.cypher), each found through
// that type's guid index. The writer knows the type of what it writes, so this is the
// statement that records its relationships; history_sync_relationships.cypher is for
// guids of unknown type.
// Template: <<TYPE>> is the relationship type (engine/graph/writer/history.py fills it in
// from the model's types only).
// Parameters: $guids (list of strings), $changeSet, $time.
// Returns: changed (number of new states).
UNWIND $guids AS guid
OPTIONAL MATCH ()-[r:<<TYPE>> {guid: guid}]->()
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
                 _hTime: $time, _hDeleted: false, _hType: '<<TYPE>>',
                 _hFrom: startNode(r).guid, _hTo: endNode(r).guid}
         END
FOREACH (_ IN CASE WHEN h IS NULL THEN [] ELSE [1] END | SET h._hUntil = $time)
RETURN count(s) AS changed
