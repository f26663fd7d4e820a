// History: bring the recorded state of elements up to their stored state, in the caller's
// write transaction (engine/graph/writer/history.py). For each guid whose element differs
// from its head state (the HistoryState with no _hUntil), or that has no head, or whose
// element is gone while its head is not a deletion, a new head is created holding a copy
// of the element's properties plus the _h* bookkeeping keys, and the old head is closed.
// The copy is one map projection set on the new node (one property write pass, measured
// about twice as fast as SET s = properties(n) followed by each key).
// Parameters: $guids (list of strings), $changeSet (id), $time (server DateTime).
// Returns: changed (number of new states).
UNWIND $guids AS guid
OPTIONAL MATCH (n:Referenceable {guid: guid})
OPTIONAL MATCH (h:HistoryState {_hKey: guid})
  WHERE h._hUntil IS NULL
WITH guid, n, h
WHERE (n IS NOT NULL OR (h IS NOT NULL AND NOT h._hDeleted))
  AND (n IS NULL OR h IS NULL OR h._hDeleted
       OR size(keys(n)) <> size([k IN keys(h) WHERE NOT k STARTS WITH '_h'])
       OR any(k IN keys(n) WHERE NOT h[k] = n[k]))
CREATE (s:HistoryState)
SET s += CASE WHEN n IS NULL
         THEN {_hKey: guid, _hKind: 'element', _hChangeSet: $changeSet, _hTime: $time,
               _hDeleted: true, _hName: h._hName, _hType: h._hType, _hLabels: h._hLabels}
         ELSE n {.*, _hKey: guid, _hKind: 'element', _hChangeSet: $changeSet, _hTime: $time,
                 _hDeleted: false, _hName: n.qualifiedName, _hType: n.typeName,
                 _hLabels: labels(n)}
         END
FOREACH (_ IN CASE WHEN h IS NULL THEN [] ELSE [1] END | SET h._hUntil = $time)
RETURN count(s) AS changed
