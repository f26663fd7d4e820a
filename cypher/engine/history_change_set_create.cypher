// History: record a change set (the server's clock gives its time).
// Parameters: $id, $user, $tool, $command, $summary, $outside (bool: changed outside
// Switchboard, found by a catch-up).
// Returns: time (the change set's DateTime).
CREATE (c:ChangeSet {id: $id, time: datetime.realtime(), user: $user, tool: $tool,
                     command: $command, summary: $summary, outside: $outside})
RETURN c.time AS time
