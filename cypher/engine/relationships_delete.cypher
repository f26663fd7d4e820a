// Delete relationships named by their ends, type and key (the catalogTargetName, '' when unset;
// ignored for other types).
// Parameters: $rows [{from, type, to, key}].
// Returns per row: from, type, to, key, deleted (number of relationships removed).
UNWIND $rows AS row
MATCH (a:Referenceable {qualifiedName: row.from})
CALL (a, row) {
  OPTIONAL MATCH (a)-[r]->(b:Referenceable {qualifiedName: row.to})
  WHERE type(r) = row.type
    AND (row.type <> 'CATALOG_TARGET' OR coalesce(r.catalogTargetName, '') = row.key)
  DELETE r
  RETURN count(r) AS deleted
}
RETURN row.from AS from, row.type AS type, row.to AS to, row.key AS key, deleted
