// Benchmark (history --part bound): the full-text query of packed_states_lookup.cypher on
// its own, returning only the packs it finds: what the lookup costs without reading the
// packs' lists.
// Parameters: $query (a Lucene query naming each key of the batch, quoted and joined with OR).
// Returns: packs (how many packs hold any of the keys).
CALL db.index.fulltext.queryNodes('bench_packed_keys', $query) YIELD node
RETURN count(node) AS packs
