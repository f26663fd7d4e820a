// History: the guids an element with this qualifiedName has had in the history.
// Parameters: $qualifiedName.
// Returns: key per guid.
MATCH (s:HistoryState {_hName: $qualifiedName})
RETURN DISTINCT s._hKey AS key
