// History: the recorded states, at a time, of the elements or relationships with these guids
// (none for one that did not exist then).
// Parameters: $keys (guids), $at (DateTime; null: every state ever recorded, deletions included).
// Returns: state per entity found (properties as the resolve queries give them, plus _h*).
UNWIND $keys AS key
MATCH (s:HistoryState {_hKey: key})
WHERE ($at IS NULL
       OR (s._hTime <= $at AND (s._hUntil IS NULL OR s._hUntil > $at) AND NOT s._hDeleted))
RETURN s {.*, createTime: toString(s.createTime), updateTime: toString(s.updateTime)} AS state
