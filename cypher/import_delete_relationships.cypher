// Archive import: delete integration-group relationships whose ends or type an archive changed
// (they are then created again with the same guid).
// Parameters: $guids (list of relationship guid strings).
// Returns: count of relationships deleted.
UNWIND $guids AS guid
CALL (guid) {
  MATCH ()-[r:REGISTERED_INTEGRATION_CONNECTOR {guid: guid}]->() RETURN r
  UNION ALL
  MATCH ()-[r:ASSET_CONNECTION {guid: guid}]->() RETURN r
  UNION ALL
  MATCH ()-[r:CONNECTION_CONNECTOR_TYPE {guid: guid}]->() RETURN r
  UNION ALL
  MATCH ()-[r:CONNECT_TO_ENDPOINT {guid: guid}]->() RETURN r
  UNION ALL
  MATCH ()-[r:EMBEDDED_CONNECTION {guid: guid}]->() RETURN r
  UNION ALL
  MATCH ()-[r:CATALOG_TARGET {guid: guid}]->() RETURN r
}
DELETE r
RETURN count(*) AS deleted
