// Extend every lease this daemon still holds, in one statement. Each lease node is
// write-locked before its holder is read; a lease another daemon took is left alone and
// missing from the result (the caller treats it as lost).
// Parameters: $registrations (list), $daemonId, $leaseMillis.
// Returns per lease renewed: registration, epoch, expiresAt, desiredState.
MATCH (l:ConnectorLease)
WHERE l.registration IN $registrations
SET l._lock = true
WITH l
WHERE l.holder = $daemonId
SET l.expiresAt = datetime.realtime() + duration({milliseconds: $leaseMillis})
REMOVE l._lock
RETURN l.registration AS registration, l.epoch AS epoch, toString(l.expiresAt) AS expiresAt,
       l.desiredState AS desiredState
