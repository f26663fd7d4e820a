// Bulk load of pre-built rows (test and benchmark graph builders): create relationships
// between elements found by guid.
// Parameters: $rows [{type: string (from engine/typesystem.py), from: guid, to: guid, props: map}].
// Returns: created (number of relationships).
UNWIND $rows AS row
MATCH (a:Referenceable {guid: row.from})
MATCH (b:Referenceable {guid: row.to})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN count(r) AS created
