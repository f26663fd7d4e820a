// One element by guid.
// Parameters: $guid.
// Returns: qualifiedName, guid, typeName, labels, props (zero or one row).
MATCH (n:Referenceable {guid: $guid})
RETURN n.qualifiedName AS qualifiedName, n.guid AS guid, n.typeName AS typeName,
       labels(n) AS labels, properties(n) AS props
