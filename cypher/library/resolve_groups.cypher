// Library: analysts
// The whole subgraphs of several integration groups, in one round trip (one row per group found;
// names without a group are simply absent). Same columns as resolve_group.cypher.
// Parameters:
//   $qualifiedNames  list<string>  qualifiedNames of the IntegrationGroups
// Returns one row per group found, ordered by the group's qualifiedName; nodes shared by several connections or
// targets (connector types, endpoints, catalog-target elements) come once, in `elements`:
//   group        properties of the IntegrationGroup node (as stored)
//   connectors   list of {registration, connector, connections, catalogTargets}, ordered by
//                connectorName, connector qualifiedName, registration guid:
//                  registration    properties of the REGISTERED_INTEGRATION_CONNECTOR relationship
//                  connector       properties of the IntegrationConnector node
//                  connections     guids of the nodes linked by ASSET_CONNECTION (exactly one is right)
//                  catalogTargets  list of {relationship, element}: CATALOG_TARGET properties and the
//                                  target element's guid, ordered by catalogTargetName, element
//                                  qualifiedName, relationship guid
//   connections  flat list, ordered by guid, of every connection reachable from the connectors
//                (ASSET_CONNECTION, then EMBEDDED_CONNECTION to any depth, cycles included):
//                  node            properties of the connection node
//                  connectorTypes  guids of the CONNECTION_CONNECTOR_TYPE ends (one is right)
//                  endpoints       guids of the CONNECT_TO_ENDPOINT ends (at most one is right)
//                  embedded        list of {relationship, child}: EMBEDDED_CONNECTION properties and
//                                  the embedded connection's guid, ordered by position, displayName,
//                                  child qualifiedName
//                  assets          qualifiedNames of the assets linked by ASSET_CONNECTION
//   elements     list of {node, connectionNames}, ordered by guid: every connector type, endpoint
//                and catalog-target element referenced above, once; connectionNames = sorted
//                qualifiedNames and displayNames of the element's own connections
// Property maps are the stored properties, except that the audit fields createTime and
// updateTime come as ISO 8601 text: hydrating thousands of driver DateTime values costs more
// than the whole query. Maps are
// stored as JSON text (see engine/graphmap.py); engine/resolve.py decodes them, parses the
// times back and assembles the embedding tree from the flat `connections` list, marking cycles.
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
  g {.*, createTime: toString(g.createTime), updateTime: toString(g.updateTime)} AS group,
  COLLECT {
    MATCH (g)-[r:REGISTERED_INTEGRATION_CONNECTOR]->(c)
    WITH r, c
    ORDER BY r.connectorName, c.qualifiedName, r.guid
    RETURN {
      registration: r {.*, createTime: toString(r.createTime), updateTime: toString(r.updateTime)},
      connector: c {.*, createTime: toString(c.createTime), updateTime: toString(c.updateTime)},
      connections: COLLECT {
        MATCH (c)-[:ASSET_CONNECTION]->(conn)
        WITH conn ORDER BY conn.qualifiedName, conn.guid
        RETURN conn.guid
      },
      catalogTargets: COLLECT {
        MATCH (c)-[t:CATALOG_TARGET]->(e)
        WITH t, e ORDER BY t.catalogTargetName, e.qualifiedName, t.guid
        RETURN {relationship: t {.*, createTime: toString(t.createTime), updateTime: toString(t.updateTime)}, element: e.guid}
      }
    }
  } AS connectors,
  COLLECT {
    UNWIND reachable AS conn
    WITH conn ORDER BY conn.guid
    RETURN {
      node: conn {.*, createTime: toString(conn.createTime), updateTime: toString(conn.updateTime)},
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
        RETURN {relationship: em {.*, createTime: toString(em.createTime), updateTime: toString(em.updateTime)}, child: child.guid}
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
      node: e {.*, createTime: toString(e.createTime), updateTime: toString(e.updateTime)},
      connectionNames: COLLECT {
        MATCH (e)-[:ASSET_CONNECTION]->(own)
        UNWIND [own.qualifiedName, own.displayName] AS name
        WITH DISTINCT name WHERE name IS NOT NULL
        RETURN name ORDER BY name
      }
    }
  } AS elements
