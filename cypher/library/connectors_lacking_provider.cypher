// Library: analysts
// Connectors that cannot run because a connection of theirs has no connector type, or a connector
// type without a connectorProviderClassName (SPEC rule 8). Connectors with no connection at all
// are listed too, with problem "no connection".
// Parameters: none
// Returns: connectorQualifiedName, connectionQualifiedName, connectorTypeQualifiedName,
//          problem ("no connection" | "no connector type" | "no provider class"),
//          ordered by connectorQualifiedName, connectionQualifiedName, connectorTypeQualifiedName
MATCH (c:IntegrationConnector)
OPTIONAL MATCH (c)-[:ASSET_CONNECTION]->(conn)
OPTIONAL MATCH (conn)-[:CONNECTION_CONNECTOR_TYPE]->(ct)
WITH c, conn, ct,
     CASE
       WHEN conn IS NULL THEN 'no connection'
       WHEN ct IS NULL THEN 'no connector type'
       WHEN coalesce(trim(ct.connectorProviderClassName), '') = '' THEN 'no provider class'
     END AS problem
WHERE problem IS NOT NULL
RETURN c.qualifiedName AS connectorQualifiedName, conn.qualifiedName AS connectionQualifiedName,
       ct.qualifiedName AS connectorTypeQualifiedName, problem
ORDER BY connectorQualifiedName, connectionQualifiedName, connectorTypeQualifiedName
