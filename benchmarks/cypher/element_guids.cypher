// Benchmark (history --part bound): every element's guid, to pack their states from.
// Returns: guid.
MATCH (n:Referenceable)
RETURN n.guid AS guid
