// Benchmark (history --part bound): the packed states of a batch of keys, found with one
// full-text query per batch (docs/history.md, "A packed layout"): what a packed design
// would run before recording a batch whose keys may have been recorded before (an
// archive's guids, updates, catch-ups), instead of a query per key.
// Parameters: $query (a Lucene query naming each key of the batch, quoted and joined with
// OR), $guids (the same keys, as a list).
// Returns: key, time (its pack's), text (its recorded properties).
CALL db.index.fulltext.queryNodes('bench_packed_keys', $query) YIELD node
WITH node, [i IN range(0, size(node._hKeys) - 1) WHERE node._hKeys[i] IN $guids] AS found
UNWIND found AS i
RETURN node._hKeys[i] AS key, node._hTime AS time, node._hTexts[i] AS text
