// History: drop a change set that recorded nothing (a write that changed nothing).
// Parameters: $id.
// Returns: dropped (count).
MATCH (c:ChangeSet {id: $id})
DELETE c
RETURN count(*) AS dropped
