// Benchmark (history --part bound): drop the packed states (between the variants of a round).
MATCH (p:BenchPackedStates)
DELETE p
