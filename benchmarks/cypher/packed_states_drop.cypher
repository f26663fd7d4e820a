// Benchmark (history --part bound): drop the packed states and their routes (between the
// variants of a round).
MATCH (p:BenchPackedStates)
DETACH DELETE p
