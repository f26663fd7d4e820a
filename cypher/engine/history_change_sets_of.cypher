// History: the change sets, newest first, that recorded a state of the element with this
// qualifiedName or of the elements and relationships with these guids, each with those
// states and the states they replaced (found through the states' indexes, not by scanning
// the change sets).
// Parameters: $name (qualifiedName or null), $keys (guids), $since, $until (DateTime or
// null), $limit (int).
// Returns: changeSet, states (as history_change_sets.cypher).
CALL () {
  UNWIND $keys AS key
  MATCH (s:HistoryState {_hKey: key})
  RETURN s._hChangeSet AS id
  UNION
  MATCH (s:HistoryState {_hName: $name})
  RETURN s._hChangeSet AS id
}
MATCH (c:ChangeSet {id: id})
WHERE ($since IS NULL OR c.time >= $since) AND ($until IS NULL OR c.time <= $until)
WITH c ORDER BY c.time DESC, c.id
LIMIT $limit
RETURN c {.*} AS changeSet,
       COLLECT {
         MATCH (s:HistoryState {_hChangeSet: c.id})
         WHERE s._hKey IN $keys OR s._hName = $name
         OPTIONAL MATCH (p:HistoryState {_hKey: s._hKey})
           WHERE p._hUntil = s._hTime
         WITH s, p ORDER BY s._hKind DESC, coalesce(s._hName, s._hType), s._hKey
         RETURN {after: s {.*}, before: p {.*}}
       } AS states
