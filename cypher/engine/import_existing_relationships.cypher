// Archive import: compare stored integration-group relationships with what an archive wants
// (type, ends and non-audit properties), here rather than in the client.
// Parameters: $rows, each {guid, type, start, end (guids of the wanted ends), properties
// (wanted, without audit fields; DATETIMEs given as epoch microseconds), dates (the keys given
// that way)}; $audit (audit property names).
// Returns: one row: unchanged (guids of relationships exactly as wanted), changed (a list of
// {guid, type, start, end, version, createTime (epoch microseconds), createdBy, same} for the
// other stored ones).
// Index hints keep the plan on the indexes whatever the statistics say: they lag behind an
// archive's bulk writes and wipes, and the plans are re-chosen when they change.
UNWIND $rows AS row
CALL (row) {
  MATCH (a)-[r:REGISTERED_INTEGRATION_CONNECTOR {guid: row.guid}]->(b) USING INDEX r:REGISTERED_INTEGRATION_CONNECTOR(guid) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:ASSET_CONNECTION {guid: row.guid}]->(b) USING INDEX r:ASSET_CONNECTION(guid) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:CONNECTION_CONNECTOR_TYPE {guid: row.guid}]->(b) USING INDEX r:CONNECTION_CONNECTOR_TYPE(guid) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:CONNECT_TO_ENDPOINT {guid: row.guid}]->(b) USING INDEX r:CONNECT_TO_ENDPOINT(guid) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:EMBEDDED_CONNECTION {guid: row.guid}]->(b) USING INDEX r:EMBEDDED_CONNECTION(guid) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:CATALOG_TARGET {guid: row.guid}]->(b) USING INDEX r:CATALOG_TARGET(guid) RETURN r, a, b
}
WITH row, r, a, b,
     [k IN keys(r) WHERE NOT k IN $audit] AS storedKeys,
     [k IN keys(row.properties) WHERE NOT k IN $audit] AS givenKeys
WITH row, r, a, b, size(storedKeys) = size(givenKeys) AND all(k IN givenKeys WHERE coalesce(
         CASE WHEN k IN row.dates
              THEN r[k] IS :: ZONED DATETIME
                   AND r[k].epochSeconds * 1000000 + r[k].microsecond = row.properties[k]
              ELSE r[k] = row.properties[k] END, false)) AS same
WITH row, r, a, b, same,
     same AND type(r) = row.type AND a.guid = row.start AND b.guid = row.end AS asWanted
WITH row, asWanted, CASE WHEN NOT asWanted
       THEN {guid: row.guid, type: type(r), start: a.guid, end: b.guid, version: r.version,
             createTime: CASE WHEN r.createTime IS :: ZONED DATETIME
                              THEN r.createTime.epochSeconds * 1000000 + r.createTime.microsecond END,
             createdBy: r.createdBy, same: same} END AS change
RETURN collect(CASE WHEN asWanted THEN row.guid END) AS unchanged, collect(change) AS changed
