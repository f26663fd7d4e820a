// Archive import: which elements already hold the given qualifiedNames (to find conflicts
// and to match proxies by name).
// Parameters: $qualifiedNames (list of strings).
// Returns: one row: holders, a list of [qualifiedName, guid] pairs.
UNWIND $qualifiedNames AS qualifiedName
MATCH (n:Referenceable {qualifiedName: qualifiedName})
RETURN collect([qualifiedName, n.guid]) AS holders
