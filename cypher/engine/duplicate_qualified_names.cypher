// qualifiedNames carried by more than one node (these block the uniqueness constraint).
// Returns: qualifiedName, count, guids. The change history's recorded states (copies of
// elements, docs/history.md) are not elements and are left out.
MATCH (n)
WHERE n.qualifiedName IS NOT NULL AND NOT n:HistoryState
WITH n.qualifiedName AS qualifiedName, collect(n.guid) AS guids
WHERE size(guids) > 1
RETURN qualifiedName, size(guids) AS count, guids
ORDER BY qualifiedName
