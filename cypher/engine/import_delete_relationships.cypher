// Archive import: delete integration-group relationships whose ends or type an archive changed
// (they are then created again with the same guid).
// Parameters: $guids (list of relationship guid strings).
// Returns: count of relationships deleted.
// Index hints keep the plan on the indexes whatever the statistics say: they lag behind an
// archive's bulk writes and wipes, and the plans are re-chosen when they change.
UNWIND $guids AS guid
CALL (guid) {
  MATCH ()-[r:REGISTERED_INTEGRATION_CONNECTOR {guid: guid}]->() USING INDEX r:REGISTERED_INTEGRATION_CONNECTOR(guid) RETURN r
  UNION ALL
  MATCH ()-[r:ASSET_CONNECTION {guid: guid}]->() USING INDEX r:ASSET_CONNECTION(guid) RETURN r
  UNION ALL
  MATCH ()-[r:CONNECTION_CONNECTOR_TYPE {guid: guid}]->() USING INDEX r:CONNECTION_CONNECTOR_TYPE(guid) RETURN r
  UNION ALL
  MATCH ()-[r:CONNECT_TO_ENDPOINT {guid: guid}]->() USING INDEX r:CONNECT_TO_ENDPOINT(guid) RETURN r
  UNION ALL
  MATCH ()-[r:EMBEDDED_CONNECTION {guid: guid}]->() USING INDEX r:EMBEDDED_CONNECTION(guid) RETURN r
  UNION ALL
  MATCH ()-[r:CATALOG_TARGET {guid: guid}]->() USING INDEX r:CATALOG_TARGET(guid) RETURN r
}
DELETE r
RETURN count(*) AS deleted
