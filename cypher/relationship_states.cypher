// Stored state of the outgoing Switchboard relationships of elements, for a manifest plan: one
// row per batch, a list (see element_states.cypher). Identity and audit properties are returned
// as null in props (never compared).
// Parameters: $qualifiedNames (end-1 qualifiedNames), $types (Neo4j relationship types to include).
// Returns: one row: states, a list of [from, type, to, props] of the relationships found.
UNWIND $qualifiedNames AS qn
MATCH (a:Referenceable {qualifiedName: qn})-[r]->(b:Referenceable)
WHERE type(r) IN $types
RETURN collect([qn, type(r), b.qualifiedName,
                r{.*, guid: null, qualifiedName: null, typeName: null, version: null,
                  createTime: null, updateTime: null,
                  createdBy: null, updatedBy: null, _new: null, _lock: null}]) AS states
