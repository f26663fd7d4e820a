// Library: analysts
// The groups a connector is registered in, found by the connector's qualifiedName or by the
// connectorName of any of its registrations.
// Parameters:
//   $connector  string  qualifiedName of the IntegrationConnector, or a connectorName
// Returns: groupQualifiedName, connectorName, connectorQualifiedName, registrationGuid,
//          refreshTimeInterval, ordered by groupQualifiedName, connectorName
MATCH (g:IntegrationGroup)-[r:REGISTERED_INTEGRATION_CONNECTOR]->(c)
WHERE c.qualifiedName = $connector
   OR EXISTS { (c)<-[r2:REGISTERED_INTEGRATION_CONNECTOR]-() WHERE r2.connectorName = $connector }
RETURN g.qualifiedName AS groupQualifiedName, r.connectorName AS connectorName,
       c.qualifiedName AS connectorQualifiedName, r.guid AS registrationGuid,
       r.refreshTimeInterval AS refreshTimeInterval
ORDER BY groupQualifiedName, connectorName
