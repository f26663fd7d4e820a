// Benchmark (history --part bound): the whole packs holding any of a group's keys, found
// with one full-text query: what a reader of a group's packed states would fetch before
// picking the group's states out of them on the client.
// Parameters: $query (a Lucene query naming each key, quoted and joined with OR).
// Returns: keys, texts, and the outgoing relationships' lists (owner, guid, type, to, text)
// of one pack.
CALL db.index.fulltext.queryNodes('bench_packed_keys', $query) YIELD node
RETURN node._hKeys AS keys, node._hTexts AS texts, node._hRelOwner AS relOwner,
       node._hRelGuids AS relGuids, node._hRelTypes AS relTypes, node._hRelTo AS relTo,
       node._hRelTexts AS relTexts
