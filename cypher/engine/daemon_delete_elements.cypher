// Delete elements (and their relationships) that one metadata source wrote.
// Elements of other sources are never touched.
// Parameters: $qualifiedNames (list of strings), $source (metadataSourceQualifiedName).
// Returns: guid of each deleted element.
UNWIND $qualifiedNames AS qn
MATCH (n:Referenceable {qualifiedName: qn})
WHERE n.metadataSourceQualifiedName = $source
WITH n, n.guid AS guid
DETACH DELETE n
RETURN guid
