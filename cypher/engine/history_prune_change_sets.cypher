// History: drop the change sets recorded before $before (the states that later times still
// need stay, naming a change set that is gone).
// Parameters: $before (DateTime).
// Returns: dropped (count).
MATCH (c:ChangeSet)
WHERE c.time < $before
DELETE c
RETURN count(*) AS dropped
