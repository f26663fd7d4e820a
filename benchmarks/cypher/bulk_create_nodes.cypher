// Benchmark bulk load: create elements. Parameters: $rows [{labels: [string], props: map}].
// Returns: created (number of nodes).
UNWIND $rows AS row
CREATE (n:$(row.labels))
SET n = row.props
RETURN count(n) AS created
