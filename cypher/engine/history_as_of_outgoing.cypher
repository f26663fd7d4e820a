// History: the recorded relationships of the given types from the elements with these guids,
// as they were at a time.
// Parameters: $keys (element guids), $types (relationship types), $at (DateTime; null: every state ever recorded, deletions included).
// Returns: state per relationship (properties as the resolve queries give them, plus _h*).
UNWIND $keys AS key
MATCH (s:HistoryState {_hFrom: key})
WHERE ($at IS NULL
       OR (s._hTime <= $at AND (s._hUntil IS NULL OR s._hUntil > $at) AND NOT s._hDeleted))
  AND s._hType IN $types
RETURN s {.*, createTime: toString(s.createTime), updateTime: toString(s.updateTime)} AS state
