// A daemon that stops cleanly: its node goes, with nothing else.
// Parameters: $daemonId.
MATCH (d:Daemon {id: $daemonId})
DELETE d
