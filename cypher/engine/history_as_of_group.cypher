// History: the recorded state of the integration group with this qualifiedName at a time.
// Parameters: $qualifiedName, $at (DateTime; null: every state ever recorded, deletions included).
// Returns: state (the element's properties as the resolve queries give them, plus the _h*
// bookkeeping keys), zero or one row.
MATCH (s:HistoryState {_hName: $qualifiedName})
WHERE ($at IS NULL
       OR (s._hTime <= $at AND (s._hUntil IS NULL OR s._hUntil > $at) AND NOT s._hDeleted))
  AND 'IntegrationGroup' IN s._hLabels
RETURN s {.*, createTime: toString(s.createTime), updateTime: toString(s.updateTime)} AS state
