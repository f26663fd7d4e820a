// History: drop, a batch at a time, recorded states that no time from $before on needs:
// those replaced at or before $before, and deletions recorded before it.
// Parameters: $before (DateTime), $batch (int).
// Returns: dropped (count in this batch).
MATCH (s:HistoryState)
WHERE (s._hUntil IS NOT NULL AND s._hUntil <= $before)
   OR (s._hDeleted AND s._hTime <= $before)
WITH s LIMIT $batch
DELETE s
RETURN count(*) AS dropped
