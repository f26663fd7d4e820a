// History: every recorded state of the element with this qualifiedName and of the elements
// and relationships with these guids (all of each one's states, under any name), each with its change set (null once pruned). Found
// through the states' own indexes; a change set's other states (a bulk apply's thousands)
// are never read. engine/history/changes.py pairs each state with the one it replaced
// (same key, _hUntil equal to its _hTime) and keeps the change sets asked for, so each
// state crosses the wire once. Times come as text: the states' own (exact, for pairing)
// and the audit times createTime and updateTime (the client parses them: the driver's
// decoding of datetimes was most of the client's time).
// Parameters: $name (qualifiedName or null), $keys (guids).
// Returns: changeSet (its properties, or null), state (properties and _h* keys; _hTime,
// _hUntil, createTime and updateTime as text).
CALL () {
  UNWIND $keys AS key
  MATCH (s:HistoryState {_hKey: key})
  USING INDEX s:HistoryState(_hKey)
  RETURN s._hKey AS key
  UNION
  MATCH (s:HistoryState {_hName: $name})
  USING INDEX s:HistoryState(_hName)
  RETURN s._hKey AS key
}
MATCH (s:HistoryState {_hKey: key})
USING INDEX s:HistoryState(_hKey)
OPTIONAL MATCH (c:ChangeSet {id: s._hChangeSet})
RETURN c {.*} AS changeSet,
       s {.*, _hTime: toString(s._hTime), _hUntil: toString(s._hUntil),
          createTime: toString(s.createTime), updateTime: toString(s.updateTime)} AS state
