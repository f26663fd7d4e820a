// The whole graph keyed by guids, for canonical before/after comparisons (element ids change
// across databases; guids do not).
// Returns: kind ('node' | 'relationship'), guid, labelsOrType (sorted labels, or [type]),
// start, end (guids of the ends of a relationship), props. The change history (recorded
// states and change sets, docs/history.md) is not part of the graph's content: left out.
CALL () {
  MATCH (n)
  WHERE NOT n:HistoryState AND NOT n:ChangeSet
  RETURN 'node' AS kind, n.guid AS guid, labels(n) AS labelsOrType, null AS start,
         null AS end, properties(n) AS props
  UNION ALL
  MATCH (a)-[r]->(b)
  RETURN 'relationship' AS kind, r.guid AS guid, [type(r)] AS labelsOrType, a.guid AS start,
         b.guid AS end, properties(r) AS props
}
RETURN kind, guid, labelsOrType, start, end, props
ORDER BY kind, guid
