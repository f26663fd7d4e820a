// History: how many recorded states a change set holds.
// Parameters: $id.
// Returns: states (count).
MATCH (s:HistoryState {_hChangeSet: $id})
RETURN count(s) AS states
