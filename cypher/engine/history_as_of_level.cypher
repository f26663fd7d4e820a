// History: one level of a group's traversal as of a time, in one round trip: the recorded
// states of the elements $load, of the relationships of types $types going out of $from,
// and of the relationships of types $inTypes coming into $to, valid at $at.
// Parameters: $load, $from, $to (guids), $types, $inTypes (relationship types), $at
// (DateTime; null: every state ever recorded, deletions included).
// Index hints keep each branch on its index whatever the statistics say.
// Returns: part ('state' | 'out' | 'in'), states (list of: properties as the resolve
// queries give them, plus the _h* bookkeeping keys; _hTime and _hUntil null: the reader
// has no use for them). One row per part: the driver's cost is per row, and a row per
// state made it most of an as-of resolution's time.
CALL () {
  UNWIND $load AS key
  MATCH (s:HistoryState {_hKey: key})
  USING INDEX s:HistoryState(_hKey)
  WHERE $at IS NULL
     OR (s._hTime <= $at AND (s._hUntil IS NULL OR s._hUntil > $at) AND NOT s._hDeleted)
  RETURN 'state' AS part, s
  UNION ALL
  UNWIND $from AS key
  MATCH (s:HistoryState {_hFrom: key})
  USING INDEX s:HistoryState(_hFrom)
  WHERE s._hType IN $types
    AND ($at IS NULL
         OR (s._hTime <= $at AND (s._hUntil IS NULL OR s._hUntil > $at) AND NOT s._hDeleted))
  RETURN 'out' AS part, s
  UNION ALL
  UNWIND $to AS key
  MATCH (s:HistoryState {_hTo: key})
  USING INDEX s:HistoryState(_hTo)
  WHERE s._hType IN $inTypes
    AND ($at IS NULL
         OR (s._hTime <= $at AND (s._hUntil IS NULL OR s._hUntil > $at) AND NOT s._hDeleted))
  RETURN 'in' AS part, s
}
RETURN part, collect(s {.*, createTime: toString(s.createTime),
                        updateTime: toString(s.updateTime), _hTime: null, _hUntil: null})
            AS states
