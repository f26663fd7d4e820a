// Stored state of elements by qualifiedName, for a manifest plan: one row per batch, a list
// (cheaper for the driver than one record per element). Identity and audit properties are
// returned as null in props (engine/elements.py FIXED_KEYS: never compared), so props holds
// just the descriptive properties once the nulls are dropped.
// Parameters: $qualifiedNames (list of strings).
// Returns: one row: states, a list of [qualifiedName, elementId, guid, typeName, props] of the
//   elements found.
UNWIND $qualifiedNames AS qn
MATCH (n:Referenceable {qualifiedName: qn})
RETURN collect([qn, elementId(n), n.guid, n.typeName,
                n{.*, guid: null, qualifiedName: null, typeName: null, version: null,
                  createTime: null, updateTime: null, createdBy: null, updatedBy: null,
                  _new: null, _lock: null}]) AS states
