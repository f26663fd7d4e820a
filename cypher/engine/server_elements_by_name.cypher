// Elements whose qualifiedName or displayName is exactly $name, of any of the given labels
// (Egeria's by-name requests to the metadata server).
// Parameters: $name (string), $labels (list of labels; an element needs one of them), $limit.
// Returns per element: qualifiedName, guid, typeName, labels, props (every stored property).
CALL () {
  MATCH (n:Referenceable {qualifiedName: $name}) RETURN n
  UNION
  MATCH (n:Referenceable) WHERE n.displayName = $name RETURN n
}
WITH n WHERE any(label IN labels(n) WHERE label IN $labels)
RETURN n.qualifiedName AS qualifiedName, n.guid AS guid, n.typeName AS typeName,
       labels(n) AS labels, properties(n) AS props
ORDER BY qualifiedName
LIMIT $limit
