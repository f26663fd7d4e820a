// Benchmark (history --part bound): a route from each packed key to its pack, for readers
// that must not go through the full-text index (docs/history.md, "What a packed layout
// would need"): one relationship per key, from the pack to itself, holding the key and its
// position in the pack's lists, found through a relationship range index on the key.
// Parameters: $cs (change set id: the packs written by packed_states_create.cypher).
// Returns: routed (number of routes made: elements and their relationships).
MATCH (p:BenchPackedStates {_hChangeSet: $cs})
CALL (p) {
  WITH p._hKeys AS keys
  UNWIND range(0, size(keys) - 1) AS i
  CREATE (p)-[:BenchPackRoute {key: keys[i], pos: i}]->(p)
  RETURN count(*) AS elements
}
CALL (p) {
  WITH p._hRelGuids AS keys
  UNWIND range(0, size(keys) - 1) AS i
  CREATE (p)-[:BenchPackRoute {key: keys[i], pos: i, relationship: true}]->(p)
  RETURN count(*) AS relationships
}
RETURN sum(elements + relationships) AS routed
