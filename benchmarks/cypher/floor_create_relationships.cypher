// Benchmark floor: create relationships between elements found by qualifiedName, nothing else
// (no existence check, no lock, no result per row); the audit fields come from parameters.
// Parameters: $rows [{type: string, from: qualifiedName, to: qualifiedName, props: map}],
//   $now (datetime), $user (string).
// Returns: created (number of relationships).
UNWIND $rows AS row
MATCH (a:Referenceable {qualifiedName: row.from})
MATCH (b:Referenceable {qualifiedName: row.to})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props, r.version = 1, r.createTime = $now, r.createdBy = $user,
    r.updateTime = $now, r.updatedBy = $user
RETURN count(r) AS created
