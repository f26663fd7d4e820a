// Of the given registrations, those whose lease nobody holds now (none, released or
// expired by the server's clock). A hint only, read without locks: acquiring checks again.
// Parameters: $registrations (list).
// Returns: registration.
UNWIND $registrations AS registration
OPTIONAL MATCH (l:ConnectorLease {registration: registration})
WITH registration, l
WHERE l IS NULL OR l.holder IS NULL OR l.expiresAt IS NULL OR l.expiresAt <= datetime.realtime()
RETURN registration
