// Library: analysts
// Connector types used by the connections of more than one connector, with those connectors
// (a change to such a connector type restarts all of them).
// Parameters: none
// Returns: connectorTypeQualifiedName, connectorProviderClassName, connectorCount,
//          connectors (sorted qualifiedNames), ordered by connectorCount descending,
//          connectorTypeQualifiedName
MATCH (ct:ConnectorType)
WITH ct, COLLECT {
  MATCH (c:IntegrationConnector)-[:ASSET_CONNECTION]->(:Connection)-[:CONNECTION_CONNECTOR_TYPE]->(ct)
  RETURN DISTINCT c.qualifiedName AS connector ORDER BY connector
} AS connectors
WHERE size(connectors) > 1
RETURN ct.qualifiedName AS connectorTypeQualifiedName,
       ct.connectorProviderClassName AS connectorProviderClassName,
       size(connectors) AS connectorCount, connectors
ORDER BY connectorCount DESC, connectorTypeQualifiedName
