// History: the guids of the elements with these qualifiedNames (those that exist).
// Parameters: $qualifiedNames (list of strings).
// Returns: guid per element found.
UNWIND $qualifiedNames AS name
MATCH (n:Referenceable {qualifiedName: name})
RETURN n.guid AS guid
