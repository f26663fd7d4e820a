// Library: validation
// Every RegisteredIntegrationConnector relationship with the properties the validation rules
// read, for `switchboard validate --all` (engine/validate/snapshot.py load_snapshot).
// Parameters: none.
// Returns one row (none when there is no registration); each column a list with one entry
// per relationship:
//   starts, ends   internal ids of the group and the connector (as in validation_snapshot_nodes)
//   guids, connectorName, refreshTimeInterval, startDate, connectorShutdownDate,
//   permittedSynchronization
MATCH ()-[r:REGISTERED_INTEGRATION_CONNECTOR]->()
WITH collect(r) AS rels
RETURN [r IN rels | id(startNode(r))] AS starts, [r IN rels | id(endNode(r))] AS ends,
       [r IN rels | r.guid] AS guids,
       [r IN rels | r.connectorName] AS connectorName,
       [r IN rels | r.refreshTimeInterval] AS refreshTimeInterval,
       [r IN rels | r.startDate] AS startDate,
       [r IN rels | r.connectorShutdownDate] AS connectorShutdownDate,
       [r IN rels | r.permittedSynchronization] AS permittedSynchronization
