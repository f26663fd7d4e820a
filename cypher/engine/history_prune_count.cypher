// History: what `history prune --before $before --dry-run` would drop: the states
// history_prune.cypher drops and the change sets history_prune_change_sets.cypher drops
// (the same predicates), counted.
// Parameters: $before (DateTime).
// Returns: states (recorded states no time from $before on needs), changeSets (change sets
// recorded before $before).
CALL {
  MATCH (s:HistoryState)
  WHERE (s._hUntil IS NOT NULL AND s._hUntil <= $before)
     OR (s._hDeleted AND s._hTime <= $before)
  RETURN count(s) AS states
}
CALL {
  MATCH (c:ChangeSet)
  WHERE c.time < $before
  RETURN count(c) AS changeSets
}
RETURN states, changeSets
