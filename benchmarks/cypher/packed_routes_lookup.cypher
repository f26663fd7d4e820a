// Benchmark (history --part bound): the packed states of a batch of element keys, found
// through their routes (packed_routes_create.cypher) instead of the full-text index; each
// pack's texts are read once for all the keys found in it.
// Parameters: $guids (element guids).
// Returns: key, time (its pack's), text (its recorded properties).
UNWIND $guids AS key
MATCH (p:BenchPackedStates)-[r:BenchPackRoute {key: key}]->()
WITH p, collect([key, r.pos]) AS found
WITH p._hTime AS time, p._hTexts AS texts, found
UNWIND found AS f
RETURN f[0] AS key, time, texts[f[1]] AS text
