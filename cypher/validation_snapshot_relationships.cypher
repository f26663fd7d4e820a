// Library: validation
// Every relationship of the integration-group model (the six types of SPEC.md §2), for
// `switchboard validate --all` (engine/validate.py load_snapshot).
// Parameters: none.
// Returns one row per relationship:
//   type        the relationship type, e.g. EMBEDDED_CONNECTION
//   start, end  elementId of the start and end node (as in validation_snapshot_nodes)
//   properties  every stored property, guid included (maps as JSON text), except the audit
//               times createTime/updateTime (null here; the rules do not read them)
MATCH (a)-[r:REGISTERED_INTEGRATION_CONNECTOR|ASSET_CONNECTION|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION|CATALOG_TARGET]->(b)
RETURN type(r) AS type, elementId(a) AS start, elementId(b) AS end,
       r {.*, createTime: null, updateTime: null} AS properties
