// History: what `history prune --before $before` would drop, and the server's clock (a
// prune may not reach past it).
// Parameters: $before (DateTime).
// Returns: now (the server's DateTime), states (recorded states no time from $before on
// needs: see history_prune.cypher), changeSets (change sets recorded before $before).
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
RETURN datetime.realtime() AS now, states, changeSets
