// Library: validation
// Every node of the integration-group model, for `switchboard validate --all`
// (engine/validate/snapshot.py load_snapshot). The model: integration groups, connectors,
// connections, connector types, endpoints, and every element at either end of one of
// the six relationship types of SPEC.md §2.
// Parameters: none.
// Returns one row per distinct label set, each column a list with one entry per node
// (a few wide rows of plain values decode far faster than one map per node):
//   labels          the label set of the row's nodes
//   ids             internal node ids (key the relationship rows' starts/ends; valid only
//                   within the read transaction)
//   guids, qualifiedNames, typeNames, isProxy
//   then only the properties the validation rules read (null where absent or where the
//   node is not of the kind the property belongs to), maps as JSON text
//   (engine/graphmap.py):
//   displayName, additionalProperties                       every node
//   connectorProviderClassName, supportedDeployedImplementationType   connector types
//   configurationProperties, securedProperties, clearPassword, encryptedPassword   connections
MATCH (n)
WHERE n:IntegrationGroup OR n:IntegrationConnector OR n:Connection OR n:ConnectorType
   OR n:Endpoint
   OR EXISTS { (n)-[:REGISTERED_INTEGRATION_CONNECTOR|ASSET_CONNECTION|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION|CATALOG_TARGET]-() }
WITH labels(n) AS labels, collect(n) AS nodes
RETURN labels,
       [n IN nodes | id(n)] AS ids,
       [n IN nodes | n.guid] AS guids,
       [n IN nodes | n.qualifiedName] AS qualifiedNames,
       [n IN nodes | n.typeName] AS typeNames,
       [n IN nodes | n.isProxy] AS isProxy,
       [n IN nodes | n.displayName] AS displayName,
       [n IN nodes | n.additionalProperties] AS additionalProperties,
       [n IN nodes | CASE WHEN n:ConnectorType THEN n.connectorProviderClassName END]
         AS connectorProviderClassName,
       [n IN nodes | CASE WHEN n:ConnectorType THEN n.supportedDeployedImplementationType END]
         AS supportedDeployedImplementationType,
       [n IN nodes | CASE WHEN n:Connection THEN n.configurationProperties END]
         AS configurationProperties,
       [n IN nodes | CASE WHEN n:Connection THEN n.securedProperties END] AS securedProperties,
       [n IN nodes | CASE WHEN n:Connection THEN n.clearPassword END] AS clearPassword,
       [n IN nodes | CASE WHEN n:Connection THEN n.encryptedPassword END] AS encryptedPassword
