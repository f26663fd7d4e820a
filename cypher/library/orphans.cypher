// Library: analysts
// Elements nothing uses: connectors registered in no group, connections linked to no asset and
// embedded in no virtual connection, endpoints and connector types no connection points at.
// Parameters: none
// Returns: kind ("connector" | "connection" | "endpoint" | "connectorType"), qualifiedName,
//          typeName, guid, ordered by kind, qualifiedName
CALL () {
  MATCH (c:IntegrationConnector)
  WHERE NOT EXISTS { (:IntegrationGroup)-[:REGISTERED_INTEGRATION_CONNECTOR]->(c) }
  RETURN 'connector' AS kind, c.qualifiedName AS qualifiedName, c.typeName AS typeName, c.guid AS guid
  UNION ALL
  MATCH (conn:Connection)
  WHERE NOT EXISTS { ()-[:ASSET_CONNECTION]->(conn) }
    AND NOT EXISTS { ()-[:EMBEDDED_CONNECTION]->(conn) }
  RETURN 'connection' AS kind, conn.qualifiedName AS qualifiedName, conn.typeName AS typeName,
         conn.guid AS guid
  UNION ALL
  MATCH (ep:Endpoint)
  WHERE NOT EXISTS { ()-[:CONNECT_TO_ENDPOINT]->(ep) }
  RETURN 'endpoint' AS kind, ep.qualifiedName AS qualifiedName, ep.typeName AS typeName,
         ep.guid AS guid
  UNION ALL
  MATCH (ct:ConnectorType)
  WHERE NOT EXISTS { ()-[:CONNECTION_CONNECTOR_TYPE]->(ct) }
  RETURN 'connectorType' AS kind, ct.qualifiedName AS qualifiedName, ct.typeName AS typeName,
         ct.guid AS guid
}
RETURN kind, qualifiedName, typeName, guid
ORDER BY kind, qualifiedName, guid
