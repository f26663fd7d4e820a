// Elements of one type written by one metadata source, optionally only those
// linked (either direction) to the element $anchor.
// Parameters: $source, $typeName, $anchor (qualifiedName or null).
// Returns: qualifiedName, properties (stored property map).
MATCH (n:Referenceable)
WHERE n.metadataSourceQualifiedName = $source AND n.typeName = $typeName
  AND ($anchor IS NULL OR EXISTS { (n)--(:Referenceable {qualifiedName: $anchor}) })
RETURN n.qualifiedName AS qualifiedName, properties(n) AS properties
ORDER BY qualifiedName
