// Give up leases this daemon holds (locked before read); others' leases are untouched.
// The epoch stays: the next holder bumps it.
// Parameters: $registrations (list), $daemonId.
// Returns: registration of each lease released.
MATCH (l:ConnectorLease)
WHERE l.registration IN $registrations
SET l._lock = true
WITH l
WHERE l.holder = $daemonId
SET l.holder = null, l.expiresAt = null
REMOVE l._lock
RETURN l.registration AS registration
