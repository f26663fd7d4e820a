// One catalog target relationship by its guid, with its ends.
// Parameters: $guid (the relationship's guid).
// Returns: from, type, to, toTypeName, props (every stored property), fromGuid, toGuid
// (zero or one row).
MATCH (a:Referenceable)-[r:CATALOG_TARGET {guid: $guid}]->(b:Referenceable)
RETURN a.qualifiedName AS from, type(r) AS type, b.qualifiedName AS to,
       b.typeName AS toTypeName, properties(r) AS props, a.guid AS fromGuid, b.guid AS toGuid
