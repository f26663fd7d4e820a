// Take the leases of the given connector registrations that are free, expired or already
// held by this daemon. Each lease node is write-locked (SET _lock) before its holder and
// expiry are read, so two daemons racing for the same lease are serialized: the second
// sees the first one's holder. The epoch goes up whenever the holder changes. Times are
// the server's (datetime.realtime(), read after the lock).
// Parameters: $registrations (list of registration guids), $daemonId, $leaseMillis.
// Returns per lease taken: registration, epoch, expiresAt, desiredState, changed (holder changed).
UNWIND $registrations AS registration
MERGE (l:ConnectorLease {registration: registration})
ON CREATE SET l.epoch = 0, l.desiredState = 'RUNNING'
SET l._lock = true
WITH l
WHERE l.holder IS NULL OR l.holder = $daemonId OR l.expiresAt IS NULL
   OR l.expiresAt <= datetime.realtime()
WITH l, coalesce(l.holder, '') <> $daemonId AS changed
SET l.epoch = CASE WHEN changed THEN l.epoch + 1 ELSE l.epoch END,
    l.holder = $daemonId,
    l.acquiredAt = CASE WHEN changed THEN datetime.realtime() ELSE l.acquiredAt END,
    l.expiresAt = datetime.realtime() + duration({milliseconds: $leaseMillis})
REMOVE l._lock
RETURN l.registration AS registration, l.epoch AS epoch, toString(l.expiresAt) AS expiresAt,
       l.desiredState AS desiredState, changed
