// Library: analysts
// The whole subgraph of one integration group, in one query and one round trip, streamed as a few
// rows so that the client can decode the first parts while the server still builds the last.
// Parameters:
//   $qualifiedName  string  qualifiedName of the IntegrationGroup
// Returns (no row when there is no such group) the columns part, start, items: one row per part,
// in this order (`items` is a list; `start` is the position of its first item in the part):
//   part 'group'        items = [properties of the IntegrationGroup node]
//   part 'elements'     every connector type, endpoint and catalog-target element referenced below,
//                       once, ordered by guid: {node, connectionNames}; connectionNames = sorted
//                       qualifiedNames and displayNames of the element's own connections
//   part 'connections'  every connection reachable from the connectors (ASSET_CONNECTION, then
//                       EMBEDDED_CONNECTION to any depth, cycles included), ordered by guid:
//                         node            properties of the connection node
//                         connectorTypes  guids of the CONNECTION_CONNECTOR_TYPE ends (one is right)
//                         endpoints       guids of the CONNECT_TO_ENDPOINT ends (at most one is right)
//                         embedded        list of {relationship, child}: EMBEDDED_CONNECTION
//                                         properties and the embedded connection's guid, ordered by
//                                         position, displayName, child qualifiedName
//                         assets          qualifiedNames of the assets linked by ASSET_CONNECTION
//   part 'connectors'   up to 20 registered connectors per row (start = 0, 20, 40, ...), ordered by
//                       connectorName, connector qualifiedName, registration guid:
//                         registration    properties of the REGISTERED_INTEGRATION_CONNECTOR relationship
//                         connector       properties of the IntegrationConnector node
//                         connections     guids of the nodes linked by ASSET_CONNECTION (exactly one is right)
//                         catalogTargets  list of {relationship, element}: CATALOG_TARGET properties and
//                                         the target element's guid, ordered by catalogTargetName,
//                                         element qualifiedName, relationship guid
// The items are those of resolve_groups.cypher's columns group, elements, connections, connectors,
// which returns the same subgraph as one row per group. Property maps are the stored properties,
// except that the audit fields createTime and updateTime come as ISO 8601 text: hydrating thousands
// of driver DateTime values costs more than the whole query. Maps are stored as JSON text (see
// engine/graphmap.py); engine/resolve.py decodes them, parses the times back and assembles the
// embedding tree from the flat connections, marking cycles.
MATCH (g:Referenceable {qualifiedName: $qualifiedName})
WHERE g:IntegrationGroup
WITH g, COLLECT {
  MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->()-[:ASSET_CONNECTION]->(root)
  MATCH (root)-[:EMBEDDED_CONNECTION*0..]->(conn)
  RETURN DISTINCT conn
} AS reachable
CALL (g, reachable) {
  RETURN 'group' AS part, 0 AS start,
    [g {.*, createTime: toString(g.createTime), updateTime: toString(g.updateTime)}] AS items
  UNION ALL
  RETURN 'elements' AS part, 0 AS start, COLLECT {
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
  } AS items
  UNION ALL
  RETURN 'connections' AS part, 0 AS start, COLLECT {
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
  } AS items
  UNION ALL
  WITH g, COLLECT {
    MATCH (g)-[r:REGISTERED_INTEGRATION_CONNECTOR]->(c)
    WITH r, c ORDER BY r.connectorName, c.qualifiedName, r.guid
    RETURN r
  } AS registered
  UNWIND range(0, size(registered) - 1, 20) AS start
  RETURN 'connectors' AS part, start, COLLECT {
    UNWIND range(start, start + 19) AS i
    WITH i, registered[i] AS r WHERE r IS NOT NULL
    WITH i, r, endNode(r) AS c
    ORDER BY i
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
  } AS items
}
RETURN part, start, items
