// History: the qualifiedName each of these element guids was recorded under (its newest
// recorded state's), so that a relationship's change can name its ends; a guid never
// recorded is left out. Found through the states' own index.
// Parameters: $keys (element guids).
// Returns: key, name.
UNWIND $keys AS key
CALL (key) {
  MATCH (s:HistoryState {_hKey: key})
  USING INDEX s:HistoryState(_hKey)
  WHERE s._hName IS NOT NULL
  RETURN s._hName AS name
  ORDER BY s._hTime DESC
  LIMIT 1
}
RETURN key, name
