// Record the operator's wish for a connector (RUNNING, PAUSED, STOPPED) with its lease,
// creating the lease when none exists yet, so that it survives a move to another daemon.
// Parameters: $registrations (list), $desiredState.
// Returns per lease: registration, holder, epoch, desiredState.
UNWIND $registrations AS registration
MERGE (l:ConnectorLease {registration: registration})
ON CREATE SET l.epoch = 0
SET l.desiredState = $desiredState
RETURN l.registration AS registration, l.holder AS holder, l.epoch AS epoch,
       l.desiredState AS desiredState
