// Benchmark floor: create elements, nothing else (no MERGE, no existence check, no result per
// row); the audit fields come from parameters, as in the engine's own create queries.
// Parameters: $rows [{labels: [string], props: map}], $now (datetime), $user (string).
// Returns: created (number of nodes).
UNWIND $rows AS row
CREATE (n:$(row.labels))
SET n = row.props, n.version = 1, n.createTime = $now, n.createdBy = $user,
    n.updateTime = $now, n.updatedBy = $user
RETURN count(n) AS created
