// The leases of the given registrations as they are now, with the holder's daemon node
// when it has one. expired is judged by the server's clock.
// Parameters: $registrations (list).
// Returns per lease: registration, holder, epoch, expiresAt, expired, desiredState,
// holderName, holderApiUrl.
MATCH (l:ConnectorLease)
WHERE l.registration IN $registrations
OPTIONAL MATCH (d:Daemon {id: l.holder})
RETURN l.registration AS registration, l.holder AS holder, l.epoch AS epoch,
       toString(l.expiresAt) AS expiresAt,
       l.expiresAt IS NULL OR l.expiresAt <= datetime.realtime() AS expired,
       l.desiredState AS desiredState, d.name AS holderName, d.apiUrl AS holderApiUrl
