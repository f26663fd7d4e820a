// Benchmark floor for whole-database validation: the server reads every node the snapshot
// reads (cypher/validation_snapshot_nodes.cypher) and every property the rules use, and sends
// back only counts. What the server spends here is spent before anything reaches the client.
// Parameters: none.
// Returns one row: nodes (number of nodes read), values (number of non-null properties read).
MATCH (n)
WHERE n:IntegrationGroup OR n:IntegrationConnector OR n:Connection OR n:ConnectorType
   OR n:Endpoint
   OR EXISTS { (n)-[:REGISTERED_INTEGRATION_CONNECTOR|ASSET_CONNECTION|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION|CATALOG_TARGET]-() }
WITH n, labels(n) AS labels
RETURN count(n) AS nodes,
       count(n.guid) + count(n.qualifiedName) + count(n.typeName) + count(n.isProxy)
       + count(n.displayName) + count(n.additionalProperties)
       + count(n.connectorProviderClassName) + count(n.supportedDeployedImplementationType)
       + count(n.configurationProperties) + count(n.securedProperties)
       + count(n.clearPassword) + count(n.encryptedPassword) AS values
