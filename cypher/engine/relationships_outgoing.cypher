// Outgoing Switchboard relationships of the given elements (end 1 -> end 2).
// Parameters: $qualifiedNames (end-1 qualifiedNames), $types (Neo4j relationship types to include).
// Returns per relationship: from, type, to, toTypeName, props (every stored property).
UNWIND $qualifiedNames AS qn
MATCH (a:Referenceable {qualifiedName: qn})-[r]->(b:Referenceable)
WHERE type(r) IN $types
RETURN qn AS from, type(r) AS type, b.qualifiedName AS to, b.typeName AS toTypeName,
       properties(r) AS props
ORDER BY from, type, to, coalesce(r.catalogTargetName, ''), r.guid
