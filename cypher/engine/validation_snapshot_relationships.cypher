// Library: validation
// The relationships of the integration-group model that carry no property the validation
// rules read (AssetConnection, ConnectionConnectorType, ConnectToEndpoint), for
// `switchboard validate --all` (engine/validate/snapshot.py load_snapshot).
// Parameters: none.
// Returns one row per relationship type, each column a list with one entry per relationship:
//   type          e.g. CONNECT_TO_ENDPOINT
//   starts, ends  internal ids of the start and end nodes (as in validation_snapshot_nodes)
//   guids         the relationships' guids
MATCH ()-[r:ASSET_CONNECTION|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT]->()
WITH type(r) AS type, collect(r) AS rels
RETURN type, [r IN rels | id(startNode(r))] AS starts, [r IN rels | id(endNode(r))] AS ends,
       [r IN rels | r.guid] AS guids
