// Floor of a leaner shape: the same subgraph as cypher/resolve_group.cypher as flat lists of
// guids (registrations, catalog targets, connection links, assets, connections, elements), no
// nested subquery per connector or connection, no ORDER BY, no properties. Parameters:
// $qualifiedName. Returns: group, registrations, catalogTargets, links, assets, connections, elements.
MATCH (g:Referenceable {qualifiedName: $qualifiedName})
WHERE g:IntegrationGroup
WITH g, COLLECT {
  MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->()-[:ASSET_CONNECTION]->(root)
  MATCH (root)-[:EMBEDDED_CONNECTION*0..]->(conn)
  RETURN DISTINCT conn
} AS reachable
RETURN
  g.guid AS group,
  COLLECT {
    MATCH (g)-[r:REGISTERED_INTEGRATION_CONNECTOR]->(c)
    RETURN [r.guid, c.guid]
  } AS registrations,
  COLLECT {
    MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->(c)-[t:CATALOG_TARGET]->(e)
    RETURN [c.guid, t.guid, e.guid]
  } AS catalogTargets,
  COLLECT {
    UNWIND reachable AS conn
    MATCH (conn)-[x:CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION]->(e)
    RETURN [conn.guid, type(x), x.guid, e.guid]
  } AS links,
  COLLECT {
    UNWIND reachable AS conn
    MATCH (a)-[:ASSET_CONNECTION]->(conn)
    RETURN [a.guid, a.qualifiedName, conn.guid]
  } AS assets,
  [conn IN reachable | conn.guid] AS connections,
  COLLECT {
    CALL (g, reachable) {
      UNWIND reachable AS conn
      MATCH (conn)-[:CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT]->(e)
      RETURN e
      UNION
      MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->()-[:CATALOG_TARGET]->(e)
      RETURN e
    }
    RETURN e.guid
  } AS elements
