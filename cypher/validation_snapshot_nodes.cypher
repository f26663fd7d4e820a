// Library: validation
// Every node of the integration-group model, for `switchboard validate --all`
// (engine/validate.py load_snapshot). The model: integration groups, connectors,
// connections, connector types, endpoints, and every element at either end of one of
// the six relationship types of SPEC.md §2.
// Parameters: none.
// Returns one row per node:
//   elementId   the node's elementId (keys the relationship rows' start/end)
//   labels      the node's labels
//   properties  every stored property (maps as JSON text, see engine/graphmap.py) except the
//               audit times createTime/updateTime, null here: the rules do not read them and
//               temporal values are by far the costliest to decode (3x the client CPU)
MATCH (n)
WHERE n:IntegrationGroup OR n:IntegrationConnector OR n:Connection OR n:ConnectorType
   OR n:Endpoint
   OR EXISTS { (n)-[:REGISTERED_INTEGRATION_CONNECTOR|ASSET_CONNECTION|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION|CATALOG_TARGET]-() }
RETURN elementId(n) AS elementId, labels(n) AS labels,
       n {.*, createTime: null, updateTime: null} AS properties
