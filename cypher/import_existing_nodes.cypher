// Archive import: the stored elements among the given guids (to plan creates, updates and proxies).
// Parameters: $guids (list of guid strings).
// Returns: guid, labels, properties of every element that exists.
UNWIND $guids AS guid
MATCH (n:Referenceable {guid: guid})
RETURN guid, labels(n) AS labels, properties(n) AS properties
