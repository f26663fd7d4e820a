// Benchmark (history --part bound): every element's and model relationship's guid and
// stored properties, to build the minimal states from.
// Returns: key (guid), p (properties).
MATCH (n:Referenceable)
RETURN n.guid AS key, properties(n) AS p
UNION ALL
MATCH ()-[r]->()
WHERE r.guid IS NOT NULL
RETURN r.guid AS key, properties(r) AS p
