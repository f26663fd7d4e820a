// Floor of resolve_group's shape: the same traversal and nesting as cypher/resolve_group.cypher,
// with every property map replaced by the element's guid (no property projection, no audit-time
// formatting, ~1/10 of the bytes). Parameters: $qualifiedName. Returns: group, connectors,
// connections, elements (guids only).
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
    WITH r, c
    ORDER BY r.connectorName, c.qualifiedName, r.guid
    RETURN {
      registration: r.guid,
      connector: c.guid,
      connections: COLLECT {
        MATCH (c)-[:ASSET_CONNECTION]->(conn)
        WITH conn ORDER BY conn.qualifiedName, conn.guid
        RETURN conn.guid
      },
      catalogTargets: COLLECT {
        MATCH (c)-[t:CATALOG_TARGET]->(e)
        WITH t, e ORDER BY t.catalogTargetName, e.qualifiedName, t.guid
        RETURN {relationship: t.guid, element: e.guid}
      }
    }
  } AS connectors,
  COLLECT {
    UNWIND reachable AS conn
    WITH conn ORDER BY conn.guid
    RETURN {
      node: conn.guid,
      connectorTypes: COLLECT {
        MATCH (conn)-[:CONNECTION_CONNECTOR_TYPE]->(ct)
        WITH ct ORDER BY ct.qualifiedName, ct.guid
        RETURN ct.guid
      },
      endpoints: COLLECT {
        MATCH (conn)-[:CONNECT_TO_ENDPOINT]->(ep)
        WITH ep ORDER BY ep.qualifiedName, ep.guid
        RETURN ep.guid
      },
      embedded: COLLECT {
        MATCH (conn)-[em:EMBEDDED_CONNECTION]->(child)
        WITH em, child ORDER BY em.position, em.displayName, child.qualifiedName, em.guid
        RETURN {relationship: em.guid, child: child.guid}
      },
      assets: COLLECT {
        MATCH (asset)-[:ASSET_CONNECTION]->(conn)
        WITH asset ORDER BY asset.qualifiedName
        RETURN asset.qualifiedName
      }
    }
  } AS connections,
  COLLECT {
    CALL (g, reachable) {
      UNWIND reachable AS conn
      MATCH (conn)-[:CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT]->(e)
      RETURN e
      UNION
      MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->()-[:CATALOG_TARGET]->(e)
      RETURN e
    }
    WITH DISTINCT e ORDER BY e.guid
    RETURN {
      node: e.guid,
      connectionNames: COLLECT {
        MATCH (e)-[:ASSET_CONNECTION]->(own)
        UNWIND [own.qualifiedName, own.displayName] AS name
        WITH DISTINCT name WHERE name IS NOT NULL
        RETURN name ORDER BY name
      }
    }
  } AS elements
