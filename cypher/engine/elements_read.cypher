// Elements by qualifiedName (missing names are simply absent from the result).
// Parameters: $qualifiedNames (list of strings).
// Returns per element found: qualifiedName, guid, typeName, labels, props (every stored property).
UNWIND $qualifiedNames AS qn
MATCH (n:Referenceable {qualifiedName: qn})
RETURN n.qualifiedName AS qualifiedName, n.guid AS guid, n.typeName AS typeName,
       labels(n) AS labels, properties(n) AS props
