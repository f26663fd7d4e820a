// Write-lock an element (so a read-modify-write in the same transaction cannot lose an update)
// and return it.
// Parameters: $qualifiedName.
// Returns: qualifiedName, guid, typeName, labels, props (zero or one row).
MATCH (n:Referenceable {qualifiedName: $qualifiedName})
SET n._lock = true
REMOVE n._lock
RETURN n.qualifiedName AS qualifiedName, n.guid AS guid, n.typeName AS typeName,
       labels(n) AS labels, properties(n) AS props
