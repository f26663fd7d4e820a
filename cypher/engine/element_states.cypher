// Stored state of elements by qualifiedName, for a manifest plan: one row per batch, a list
// (cheaper for the driver than one record per element). Identity and audit properties are
// returned as null in props (engine/graph/records.py FIXED_KEYS: never compared), so props holds
// just the descriptive properties once the nulls are dropped. The index hint keeps the lookup on
// the qualifiedName index when Neo4j re-plans the query from statistics that lag behind bulk
// writes and wipes (suspected, not proven, cause of the occasional two-minute re-applies at
// 10,000 connectors with the earlier, unhinted plan queries).
// Parameters: $qualifiedNames (list of strings).
// Returns: one row: states, a list of [qualifiedName, elementId, guid, typeName, props] of the
//   elements found.
UNWIND $qualifiedNames AS qn
MATCH (n:Referenceable {qualifiedName: qn})
USING INDEX n:Referenceable(qualifiedName)
RETURN collect([qn, elementId(n), n.guid, n.typeName,
                n{.*, guid: null, qualifiedName: null, typeName: null, version: null,
                  createTime: null, updateTime: null, createdBy: null, updatedBy: null,
                  _new: null, _lock: null}]) AS states
