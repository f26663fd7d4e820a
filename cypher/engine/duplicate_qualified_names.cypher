// qualifiedNames carried by more than one node (these block the uniqueness constraint).
// Returns: qualifiedName, count, guids.
MATCH (n)
WHERE n.qualifiedName IS NOT NULL
WITH n.qualifiedName AS qualifiedName, collect(n.guid) AS guids
WHERE size(guids) > 1
RETURN qualifiedName, size(guids) AS count, guids
ORDER BY qualifiedName
