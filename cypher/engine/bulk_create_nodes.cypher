// Bulk load of pre-built rows (test and benchmark graph builders): create elements.
// Parameters: $rows [{labels: [string] (from engine/typesystem.py), props: map}].
// Returns: created (number of nodes).
UNWIND $rows AS row
CREATE (n:$(row.labels))
SET n = row.props
RETURN count(n) AS created
