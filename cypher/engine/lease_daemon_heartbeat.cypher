// Register a daemon process or renew its heartbeat (one node per process id).
// Parameters: $daemonId, $name, $apiUrl, $groups (list), $allGroups (boolean).
// Returns: the server's time of the heartbeat.
MERGE (d:Daemon {id: $daemonId})
ON CREATE SET d.startedAt = datetime.realtime()
SET d.name = $name,
    d.apiUrl = $apiUrl,
    d.groups = $groups,
    d.allGroups = $allGroups,
    d.heartbeatAt = datetime.realtime()
RETURN d.heartbeatAt AS heartbeatAt
