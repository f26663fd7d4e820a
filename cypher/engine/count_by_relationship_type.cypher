// Relationship counts by type.
// Returns: type, count, ordered by type.
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS count
ORDER BY type
