// Archive import: which of the given elements exist, and whether each already holds exactly
// the wanted properties (compared here, so the stored maps need not travel to the client).
// Parameters: $rows, each {guid, properties (wanted, without audit fields; DATETIMEs given as
// epoch microseconds), dates (the keys given that way)}; $audit (audit property names).
// Returns: guid, labels, typeName, isProxy, version, createTime (epoch microseconds),
// createdBy, same (true when the non-audit properties equal the wanted ones).
UNWIND $rows AS row
MATCH (n:Referenceable {guid: row.guid})
WITH row, n,
     [k IN keys(n) WHERE NOT k IN $audit] AS storedKeys,
     [k IN keys(row.properties) WHERE NOT k IN $audit] AS givenKeys
RETURN row.guid AS guid, labels(n) AS labels, n.typeName AS typeName,
       coalesce(n.isProxy, false) AS isProxy, n.version AS version,
       CASE WHEN n.createTime IS :: ZONED DATETIME
            THEN n.createTime.epochSeconds * 1000000 + n.createTime.microsecond END AS createTime,
       n.createdBy AS createdBy,
       size(storedKeys) = size(givenKeys) AND all(k IN givenKeys WHERE coalesce(
         CASE WHEN k IN row.dates
              THEN n[k] IS :: ZONED DATETIME
                   AND n[k].epochSeconds * 1000000 + n[k].microsecond = row.properties[k]
              ELSE n[k] = row.properties[k] END, false)) AS same
