// Archive import: which of the given integration-group relationships exist, where they point,
// and whether each already holds exactly the wanted properties (compared here).
// Parameters: $rows, each {guid, properties (wanted, without audit fields; DATETIMEs given as
// epoch microseconds), dates (the keys given that way)}; $audit (audit property names).
// Returns: guid, type, start (guid of end 1), end (guid of end 2), version, createTime (epoch
// microseconds), createdBy, same (true when the non-audit properties equal the wanted ones).
UNWIND $rows AS row
CALL (row) {
  MATCH (a)-[r:REGISTERED_INTEGRATION_CONNECTOR {guid: row.guid}]->(b) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:ASSET_CONNECTION {guid: row.guid}]->(b) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:CONNECTION_CONNECTOR_TYPE {guid: row.guid}]->(b) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:CONNECT_TO_ENDPOINT {guid: row.guid}]->(b) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:EMBEDDED_CONNECTION {guid: row.guid}]->(b) RETURN r, a, b
  UNION ALL
  MATCH (a)-[r:CATALOG_TARGET {guid: row.guid}]->(b) RETURN r, a, b
}
WITH row, r, a, b,
     [k IN keys(r) WHERE NOT k IN $audit] AS storedKeys,
     [k IN keys(row.properties) WHERE NOT k IN $audit] AS givenKeys
RETURN row.guid AS guid, type(r) AS type, a.guid AS start, b.guid AS end, r.version AS version,
       CASE WHEN r.createTime IS :: ZONED DATETIME
            THEN r.createTime.epochSeconds * 1000000 + r.createTime.microsecond END AS createTime,
       r.createdBy AS createdBy,
       size(storedKeys) = size(givenKeys) AND all(k IN givenKeys WHERE coalesce(
         CASE WHEN k IN row.dates
              THEN r[k] IS :: ZONED DATETIME
                   AND r[k].epochSeconds * 1000000 + r[k].microsecond = row.properties[k]
              ELSE r[k] = row.properties[k] END, false)) AS same
