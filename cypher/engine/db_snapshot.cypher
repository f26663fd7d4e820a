// The whole database as rows (for before/after comparisons): every node with its labels and
// properties, then every relationship with its ends' element ids and properties.
// Returns: kind ('node' | 'relationship'), id, labelsOrType, start, end, props.
CALL () {
  MATCH (n)
  RETURN 'node' AS kind, elementId(n) AS id, labels(n) AS labelsOrType, null AS start,
         null AS end, properties(n) AS props
  UNION ALL
  MATCH (a)-[r]->(b)
  RETURN 'relationship' AS kind, elementId(r) AS id, [type(r)] AS labelsOrType,
         elementId(a) AS start, elementId(b) AS end, properties(r) AS props
}
RETURN kind, id, labelsOrType, start, end, props
ORDER BY kind, id
