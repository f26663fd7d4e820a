// Library: analysts
// The whole subgraph of one integration group, in one round trip and one row.
// Parameters:
//   $qualifiedName  string  qualifiedName of the IntegrationGroup
// Returns (one row, or none when no such group):
//   group        properties of the IntegrationGroup node (as stored)
//   connectors   list of {registration, connector, connections, catalogTargets}, ordered by
//                connectorName, connector qualifiedName, registration guid:
//                  registration    properties of the REGISTERED_INTEGRATION_CONNECTOR relationship
//                  connector       properties of the IntegrationConnector node
//                  connections     guids of the nodes linked by ASSET_CONNECTION (exactly one is right)
//                  catalogTargets  list of {relationship, element, elementConnectionNames} ordered by
//                                  catalogTargetName, element qualifiedName, relationship guid
//   connections  flat list, ordered by guid, of every connection reachable from the connectors
//                (ASSET_CONNECTION, then EMBEDDED_CONNECTION to any depth, cycles included):
//                  node            properties of the connection node
//                  connectorTypes  properties of each CONNECTION_CONNECTOR_TYPE end (one is right)
//                  endpoints       properties of each CONNECT_TO_ENDPOINT end (at most one is right)
//                  embedded        list of {relationship, child}: EMBEDDED_CONNECTION properties and
//                                  the embedded connection's guid, ordered by position, displayName,
//                                  child qualifiedName
//                  assets          qualifiedNames of the assets linked by ASSET_CONNECTION
// Maps are stored as JSON text (see engine/graphmap.py); engine/resolve.py decodes them and
// assembles the embedding tree from the flat `connections` list, marking cycles.
MATCH (g:Referenceable {qualifiedName: $qualifiedName})
WHERE g:IntegrationGroup
RETURN
  properties(g) AS group,
  COLLECT {
    MATCH (g)-[r:REGISTERED_INTEGRATION_CONNECTOR]->(c)
    WITH r, c
    ORDER BY r.connectorName, c.qualifiedName, r.guid
    RETURN {
      registration: properties(r),
      connector: properties(c),
      connections: COLLECT {
        MATCH (c)-[:ASSET_CONNECTION]->(conn)
        WITH conn ORDER BY conn.qualifiedName, conn.guid
        RETURN conn.guid
      },
      catalogTargets: COLLECT {
        MATCH (c)-[t:CATALOG_TARGET]->(e)
        WITH t, e ORDER BY t.catalogTargetName, e.qualifiedName, t.guid
        RETURN {
          relationship: properties(t),
          element: properties(e),
          elementConnectionNames: COLLECT {
            MATCH (e)-[:ASSET_CONNECTION]->(own)
            UNWIND [own.qualifiedName, own.displayName] AS name
            WITH DISTINCT name WHERE name IS NOT NULL
            RETURN name ORDER BY name
          }
        }
      }
    }
  } AS connectors,
  COLLECT {
    MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->()-[:ASSET_CONNECTION]->(root)
    MATCH (root)-[:EMBEDDED_CONNECTION*0..]->(conn)
    WITH DISTINCT conn
    ORDER BY conn.guid
    RETURN {
      node: properties(conn),
      connectorTypes: COLLECT {
        MATCH (conn)-[:CONNECTION_CONNECTOR_TYPE]->(ct)
        WITH ct ORDER BY ct.qualifiedName, ct.guid
        RETURN properties(ct)
      },
      endpoints: COLLECT {
        MATCH (conn)-[:CONNECT_TO_ENDPOINT]->(ep)
        WITH ep ORDER BY ep.qualifiedName, ep.guid
        RETURN properties(ep)
      },
      embedded: COLLECT {
        MATCH (conn)-[em:EMBEDDED_CONNECTION]->(child)
        WITH em, child ORDER BY em.position, em.displayName, child.qualifiedName, em.guid
        RETURN {relationship: properties(em), child: child.guid}
      },
      assets: COLLECT {
        MATCH (asset)-[:ASSET_CONNECTION]->(conn)
        WITH asset ORDER BY asset.qualifiedName
        RETURN asset.qualifiedName
      }
    }
  } AS connections
