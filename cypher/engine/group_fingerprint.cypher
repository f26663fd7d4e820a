// The daemon's change check: what cypher/resolve_groups.cypher returns for the same groups, with
// the audit times createTime and updateTime left out (null). The supervisor hashes these rows
// every poll; any change that resolution could see, made by any writer (a plain Cypher SET that
// bumps no version included), changes them. Audit times are left out because converting them to
// text for thousands of elements is a third of the server's work, and alone they change nothing a
// connector is given (the version, which every engine write bumps, is still included).
// Keep the statement identical to resolve_groups.cypher but for those projections (a test checks).
// Parameters:
//   $qualifiedNames  list<string>  qualifiedNames of the IntegrationGroups
// Returns one row per group found, ordered by the group's qualifiedName, with the columns of
// resolve_groups.cypher (group, connectors, connections, elements); createTime and updateTime
// are null in every property map.
UNWIND $qualifiedNames AS qualifiedName
MATCH (g:Referenceable {qualifiedName: qualifiedName})
WHERE g:IntegrationGroup
WITH DISTINCT g
ORDER BY g.qualifiedName
WITH g, COLLECT {
  MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->()-[:ASSET_CONNECTION]->(root)
  MATCH (root)-[:EMBEDDED_CONNECTION*0..]->(conn)
  RETURN DISTINCT conn
} AS reachable
RETURN
  g {.*, createTime: null, updateTime: null} AS group,
  COLLECT {
    MATCH (g)-[r:REGISTERED_INTEGRATION_CONNECTOR]->(c)
    WITH r, c
    ORDER BY r.connectorName, c.qualifiedName, r.guid
    RETURN {
      registration: r {.*, createTime: null, updateTime: null},
      connector: c {.*, createTime: null, updateTime: null},
      connections: COLLECT {
        MATCH (c)-[:ASSET_CONNECTION]->(conn)
        WITH conn ORDER BY conn.qualifiedName, conn.guid
        RETURN conn.guid
      },
      catalogTargets: COLLECT {
        MATCH (c)-[t:CATALOG_TARGET]->(e)
        WITH t, e ORDER BY t.catalogTargetName, e.qualifiedName, t.guid
        RETURN {relationship: t {.*, createTime: null, updateTime: null}, element: e.guid}
      }
    }
  } AS connectors,
  COLLECT {
    UNWIND reachable AS conn
    WITH conn ORDER BY conn.guid
    RETURN {
      node: conn {.*, createTime: null, updateTime: null},
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
        RETURN {relationship: em {.*, createTime: null, updateTime: null}, child: child.guid}
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
      node: e {.*, createTime: null, updateTime: null},
      connectionNames: COLLECT {
        MATCH (e)-[:ASSET_CONNECTION]->(own)
        UNWIND [own.qualifiedName, own.displayName] AS name
        WITH DISTINCT name WHERE name IS NOT NULL
        RETURN name ORDER BY name
      }
    }
  } AS elements
