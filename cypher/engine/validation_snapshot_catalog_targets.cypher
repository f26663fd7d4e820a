// Library: validation
// Every CatalogTarget relationship with the properties the validation rules read, for
// `switchboard validate --all` (engine/validate/snapshot.py load_snapshot).
// Parameters: none.
// Returns one row; each column a list with one entry per relationship:
//   starts, ends   internal ids of the connector and the target (as in validation_snapshot_nodes)
//   guids, catalogTargetName, connectionName, permittedSynchronization, deleteMethod,
//   configurationProperties (JSON text)
MATCH ()-[r:CATALOG_TARGET]->()
WITH collect(r) AS rels
RETURN [r IN rels | id(startNode(r))] AS starts, [r IN rels | id(endNode(r))] AS ends,
       [r IN rels | r.guid] AS guids,
       [r IN rels | r.catalogTargetName] AS catalogTargetName,
       [r IN rels | r.connectionName] AS connectionName,
       [r IN rels | r.permittedSynchronization] AS permittedSynchronization,
       [r IN rels | r.deleteMethod] AS deleteMethod,
       [r IN rels | r.configurationProperties] AS configurationProperties
