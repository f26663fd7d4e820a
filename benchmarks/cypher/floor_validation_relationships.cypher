// Benchmark floor for whole-database validation: the server reads every relationship the
// snapshot reads (cypher/validation_snapshot_*.cypher), both ends and every property the rules
// use, and sends back only counts.
// Parameters: none.
// Returns one row: relationships (number read), values (number of non-null properties read).
MATCH (a)-[r:REGISTERED_INTEGRATION_CONNECTOR|ASSET_CONNECTION|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION|CATALOG_TARGET]->(b)
RETURN count(r) AS relationships,
       count(id(a)) + count(id(b)) + count(r.guid) + count(r.catalogTargetName)
       + count(r.connectionName) + count(r.permittedSynchronization) + count(r.deleteMethod)
       + count(r.configurationProperties) + count(r.connectorName)
       + count(r.refreshTimeInterval) + count(r.startDate) + count(r.connectorShutdownDate)
       + count(r.position) + count(r.displayName) + count(r.arguments) AS values
