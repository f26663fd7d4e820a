// Archive import: replace the properties of existing integration-group relationships.
// Parameters: $rows, each {guid, properties (complete, including guid and audit fields)}.
// Returns: count of relationships updated.
UNWIND $rows AS row
CALL (row) {
  MATCH ()-[r:REGISTERED_INTEGRATION_CONNECTOR {guid: row.guid}]->() RETURN r
  UNION ALL
  MATCH ()-[r:ASSET_CONNECTION {guid: row.guid}]->() RETURN r
  UNION ALL
  MATCH ()-[r:CONNECTION_CONNECTOR_TYPE {guid: row.guid}]->() RETURN r
  UNION ALL
  MATCH ()-[r:CONNECT_TO_ENDPOINT {guid: row.guid}]->() RETURN r
  UNION ALL
  MATCH ()-[r:EMBEDDED_CONNECTION {guid: row.guid}]->() RETURN r
  UNION ALL
  MATCH ()-[r:CATALOG_TARGET {guid: row.guid}]->() RETURN r
}
SET r = row.properties
RETURN count(r) AS updated
