// Archive import: which elements already hold the given qualifiedNames (to find conflicts
// and to match proxies by name).
// Parameters: $qualifiedNames (list of strings).
// Returns: qualifiedName, guid, isProxy for every element found.
UNWIND $qualifiedNames AS qualifiedName
MATCH (n:Referenceable {qualifiedName: qualifiedName})
RETURN qualifiedName, n.guid AS guid, coalesce(n.isProxy, false) AS isProxy
