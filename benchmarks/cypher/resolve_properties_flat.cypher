// Floor of what resolve_group must ship: the property maps of the same ~880 elements and
// relationships (group, registrations, connectors, catalog targets and their elements, every
// reachable connection, its connector types, endpoints and embedded links), projected exactly as
// cypher/resolve_group.cypher projects them (audit times as text), as flat lists in one row: no
// per-connector or per-connection structure, no ordering. Parameters: $qualifiedName.
// Returns: nodes, relationships (lists of property maps).
MATCH (g:Referenceable {qualifiedName: $qualifiedName})
WHERE g:IntegrationGroup
WITH g, COLLECT {
  MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->()-[:ASSET_CONNECTION]->(root)
  MATCH (root)-[:EMBEDDED_CONNECTION*0..]->(conn)
  RETURN DISTINCT conn
} AS reachable
RETURN
  COLLECT {
    CALL (g, reachable) {
      RETURN g AS n
      UNION
      MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->(n)
      RETURN n
      UNION
      UNWIND reachable AS n
      RETURN n
      UNION
      UNWIND reachable AS conn
      MATCH (conn)-[:CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT]->(n)
      RETURN n
      UNION
      MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->()-[:CATALOG_TARGET]->(n)
      RETURN n
    }
    RETURN n {.*, createTime: toString(n.createTime), updateTime: toString(n.updateTime)}
  } AS nodes,
  COLLECT {
    CALL (g, reachable) {
      MATCH (g)-[r:REGISTERED_INTEGRATION_CONNECTOR]->()
      RETURN r
      UNION ALL
      MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->()-[r:CATALOG_TARGET]->()
      RETURN r
      UNION ALL
      UNWIND reachable AS conn
      MATCH (conn)-[r:EMBEDDED_CONNECTION]->()
      RETURN r
    }
    RETURN r {.*, createTime: toString(r.createTime), updateTime: toString(r.updateTime)}
  } AS relationships
