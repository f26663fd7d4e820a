// The fence of a connector's write, run first in the write's own transaction: lock the
// lease, then say whether this daemon still holds it with the same epoch and unexpired.
// The lock is kept until the transaction ends, so no other daemon can take the lease
// between this check and the write's commit.
// Parameters: $registration, $daemonId, $epoch.
// Returns: held (boolean), holder, epoch (no row when there is no lease).
MATCH (l:ConnectorLease {registration: $registration})
SET l._lock = true
REMOVE l._lock
WITH l
RETURN l.holder = $daemonId AND l.epoch = $epoch
       AND l.expiresAt > datetime.realtime() AS held,
       l.holder AS holder, l.epoch AS epoch
