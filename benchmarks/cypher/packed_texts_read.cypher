// Benchmark (history --part bound): every packed element's text, read without any lookup:
// what returning the states costs on its own.
// Returns: text (one row per packed element).
MATCH (p:BenchPackedStates)
UNWIND p._hTexts AS text
RETURN text
