// Benchmark (history --part bound): one minimal state node per row: a key, a change set
// id and the properties as one JSON text built by the client.
// Parameters: $rows (list of {key, state}), $cs (change set id).
UNWIND $rows AS row
CREATE (s:BenchMinimalState)
SET s._hKey = row.key, s._hChangeSet = $cs, s._hState = row.state
