// Delete elements by guid together with all their relationships.
// Parameters: $guids (list of strings).
// Returns: deleted (number of elements removed).
UNWIND $guids AS guid
MATCH (n:Referenceable {guid: guid})
DETACH DELETE n
RETURN count(*) AS deleted
