// Archive import: the stored integration-group relationships among the given guids.
// Parameters: $guids (list of relationship guid strings).
// Returns: guid, type, start (guid of end 1), end (guid of end 2), properties.
UNWIND $guids AS guid
CALL (guid) {
  MATCH (a)-[r:REGISTERED_INTEGRATION_CONNECTOR {guid: guid}]->(b) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:ASSET_CONNECTION {guid: guid}]->(b) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:CONNECTION_CONNECTOR_TYPE {guid: guid}]->(b) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:CONNECT_TO_ENDPOINT {guid: guid}]->(b) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:EMBEDDED_CONNECTION {guid: guid}]->(b) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:CATALOG_TARGET {guid: guid}]->(b) RETURN r, a, b
}
RETURN guid, type(r) AS type, a.guid AS start, b.guid AS end, properties(r) AS properties
