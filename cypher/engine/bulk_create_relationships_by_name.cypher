// Bulk load of pre-built rows (test graph builders): create relationships between elements
// found by qualifiedName.
// Parameters: $rows [{type: string (from engine/typesystem.py), from, to (qualifiedNames),
//   props: map}].
// Returns: guids, the guid of each relationship created (none for a row whose end is missing).
UNWIND $rows AS row
MATCH (a:Referenceable {qualifiedName: row.from})
MATCH (b:Referenceable {qualifiedName: row.to})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN collect(r.guid) AS guids
