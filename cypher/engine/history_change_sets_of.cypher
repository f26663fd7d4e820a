// History: the change sets, newest first, that recorded a state of the element with this
// qualifiedName or of the elements and relationships with these guids, each with those
// states and the states they replaced. The states are found through their own indexes and
// grouped by change set; a change set's other states (a bulk apply's thousands) are never
// read.
// Parameters: $name (qualifiedName or null), $keys (guids), $since, $until (DateTime or
// null), $limit (int).
// Returns: changeSet, states (as history_change_sets.cypher).
CALL () {
  UNWIND $keys AS key
  MATCH (s:HistoryState {_hKey: key})
  USING INDEX s:HistoryState(_hKey)
  RETURN s
  UNION
  MATCH (s:HistoryState {_hName: $name})
  USING INDEX s:HistoryState(_hName)
  RETURN s
}
WITH s._hChangeSet AS id, collect(s) AS states
MATCH (c:ChangeSet {id: id})
USING INDEX c:ChangeSet(id)
WHERE ($since IS NULL OR c.time >= $since) AND ($until IS NULL OR c.time <= $until)
WITH c, states ORDER BY c.time DESC, c.id
LIMIT $limit
RETURN c {.*} AS changeSet,
       COLLECT {
         UNWIND states AS s
         OPTIONAL MATCH (p:HistoryState {_hKey: s._hKey})
           WHERE p._hUntil = s._hTime
         WITH s, p ORDER BY s._hKind DESC, coalesce(s._hName, s._hType), s._hKey
         RETURN {after: s {.*}, before: p {.*}}
       } AS states
