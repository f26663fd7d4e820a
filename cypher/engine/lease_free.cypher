// Of the given registrations, those whose lease nobody holds now (none, released or
// expired by the server's clock), or that $daemonId itself still holds: a daemon that stopped
// their connectors because it could not renew in time takes them again at once, rather than
// after they expire. A hint only, read without locks: acquiring checks again.
// Parameters: $registrations (list), $daemonId (null: only leases nobody holds).
// Returns: registration.
UNWIND $registrations AS registration
OPTIONAL MATCH (l:ConnectorLease {registration: registration})
WITH registration, l
WHERE l IS NULL OR l.holder IS NULL OR l.holder = $daemonId OR l.expiresAt IS NULL
   OR l.expiresAt <= datetime.realtime()
RETURN registration
