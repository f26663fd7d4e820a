// Outgoing Switchboard relationships of the given elements without their timestamps (for plans
// and exports; see elements_state.cypher).
// Parameters: $qualifiedNames (end-1 qualifiedNames), $types (Neo4j relationship types to include).
// Returns per relationship: from, type, to, toTypeName, props (stored properties except
//   createTime and updateTime).
UNWIND $qualifiedNames AS qn
MATCH (a:Referenceable {qualifiedName: qn})-[r]->(b:Referenceable)
WHERE type(r) IN $types
RETURN qn AS from, type(r) AS type, b.qualifiedName AS to, b.typeName AS toTypeName,
       r{.*, createTime: null, updateTime: null} AS props
