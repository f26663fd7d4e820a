// Archive import: which of the given guids already name an element (a cheap first pass, so
// that only stored elements are compared property by property).
// Parameters: $guids (list of guid strings).
// Returns: one row: guids (those that exist).
UNWIND $guids AS guid
MATCH (n:Referenceable {guid: guid})
RETURN collect(guid) AS guids
