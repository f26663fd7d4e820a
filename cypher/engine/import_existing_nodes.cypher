// Archive import: compare stored elements with what an archive wants, here rather than in the
// client (the stored maps need not travel), and describe only those that differ.
// Parameters: $rows, each {guid, typeName, labels, properties (wanted, without audit fields;
// DATETIMEs given as epoch microseconds), dates (the keys given that way)};
// $audit (audit property names).
// Returns: one row: changed, a list of {guid, labels, typeName, isProxy, version, createTime
// (epoch microseconds), createdBy, same (non-audit properties equal)} for every stored element
// that is a proxy or differs in properties, type or labels.
// Index hints keep the plan on the indexes whatever the statistics say: they lag behind an
// archive's bulk writes and wipes, and the plans are re-chosen when they change.
UNWIND $rows AS row
MATCH (n:Referenceable {guid: row.guid}) USING INDEX n:Referenceable(guid)
WITH row, n,
     [k IN keys(n) WHERE NOT k IN $audit] AS storedKeys,
     [k IN keys(row.properties) WHERE NOT k IN $audit] AS givenKeys
WITH row, n, coalesce(n.isProxy, false) AS isProxy,
     size(storedKeys) = size(givenKeys) AND all(k IN givenKeys WHERE coalesce(
         CASE WHEN k IN row.dates
              THEN n[k] IS :: ZONED DATETIME
                   AND n[k].epochSeconds * 1000000 + n[k].microsecond = row.properties[k]
              ELSE n[k] = row.properties[k] END, false)) AS same
WHERE isProxy OR NOT same OR n.typeName <> row.typeName
   OR NOT all(label IN row.labels WHERE label IN labels(n))
   OR ('Template' IN labels(n) AND NOT 'Template' IN row.labels)
RETURN collect({guid: row.guid, labels: labels(n), typeName: n.typeName, isProxy: isProxy,
                version: n.version, createTime: CASE WHEN n.createTime IS :: ZONED DATETIME
                  THEN n.createTime.epochSeconds * 1000000 + n.createTime.microsecond END,
                createdBy: n.createdBy, same: same}) AS changed
