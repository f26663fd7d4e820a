// Stored state of the outgoing Switchboard relationships of elements, for a manifest plan: one
// row per batch, a list (see element_states.cypher). The elements are found by the elementIds
// that element_states returned in the same transaction (no second index lookup). Identity and
// audit properties are returned as null in props (never compared).
// Parameters: $owners (list of [qualifiedName, elementId] of end-1 elements), $types (Neo4j
//   relationship types to include).
// Returns: one row: states, a list of [from, type, to, props] of the relationships found.
UNWIND $owners AS owner
MATCH (a) WHERE elementId(a) = owner[1]
MATCH (a)-[r]->(b:Referenceable)
WHERE type(r) IN $types
RETURN collect([owner[0], type(r), b.qualifiedName,
                r{.*, guid: null, qualifiedName: null, typeName: null, version: null,
                  createTime: null, updateTime: null,
                  createdBy: null, updatedBy: null, _new: null, _lock: null}]) AS states
