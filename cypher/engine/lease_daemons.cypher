// Live daemons (heartbeat within $liveMillis milliseconds of the server's clock), with how
// many connector leases each holds unexpired.
// Parameters: $liveMillis.
// Returns per daemon: id, name, apiUrl, startedAt, heartbeatAt, groups, allGroups, held.
MATCH (d:Daemon)
WHERE d.heartbeatAt > datetime.realtime() - duration({milliseconds: $liveMillis})
OPTIONAL MATCH (l:ConnectorLease {holder: d.id})
  WHERE l.expiresAt > datetime.realtime()
WITH d, count(l) AS held
RETURN d.id AS id, d.name AS name, d.apiUrl AS apiUrl,
       toString(d.startedAt) AS startedAt, toString(d.heartbeatAt) AS heartbeatAt,
       d.groups AS groups, d.allGroups AS allGroups, held
ORDER BY d.name, d.id
