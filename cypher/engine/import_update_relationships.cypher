// Archive import: replace the properties of existing integration-group relationships.
// Parameters: $rows, each {guid, properties (complete, including guid and audit fields),
// dates (other keys given as epoch microseconds, stored as DATETIME); the audit times
// createTime and updateTime are always given as epoch microseconds}.
// Returns: count of relationships updated.
// Index hints keep the plan on the indexes whatever the statistics say: they lag behind an
// archive's bulk writes and wipes, and the plans are re-chosen when they change.
UNWIND $rows AS row
CALL (row) {
  MATCH ()-[r:REGISTERED_INTEGRATION_CONNECTOR {guid: row.guid}]->() USING INDEX r:REGISTERED_INTEGRATION_CONNECTOR(guid) RETURN r
  UNION ALL
  MATCH ()-[r:ASSET_CONNECTION {guid: row.guid}]->() USING INDEX r:ASSET_CONNECTION(guid) RETURN r
  UNION ALL
  MATCH ()-[r:CONNECTION_CONNECTOR_TYPE {guid: row.guid}]->() USING INDEX r:CONNECTION_CONNECTOR_TYPE(guid) RETURN r
  UNION ALL
  MATCH ()-[r:CONNECT_TO_ENDPOINT {guid: row.guid}]->() USING INDEX r:CONNECT_TO_ENDPOINT(guid) RETURN r
  UNION ALL
  MATCH ()-[r:EMBEDDED_CONNECTION {guid: row.guid}]->() USING INDEX r:EMBEDDED_CONNECTION(guid) RETURN r
  UNION ALL
  MATCH ()-[r:CATALOG_TARGET {guid: row.guid}]->() USING INDEX r:CATALOG_TARGET(guid) RETURN r
}
SET r = row.properties
SET r.createTime = datetime({epochSeconds: row.properties.createTime / 1000000,
                             nanosecond: row.properties.createTime % 1000000 * 1000}),
    r.updateTime = datetime({epochSeconds: row.properties.updateTime / 1000000,
                             nanosecond: row.properties.updateTime % 1000000 * 1000})
FOREACH (k IN row.dates | SET r[k] = datetime({epochSeconds: r[k] / 1000000, nanosecond: r[k] % 1000000 * 1000}))
RETURN count(r) AS updated
