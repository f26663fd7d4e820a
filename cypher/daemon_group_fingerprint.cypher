// The raw material of the daemon's change detection: for each group, the id and
// stored properties of every node and relationship its connectors depend on
// (group, registrations, connectors, connections and embedded connections to depth 10,
// connector types, endpoints, catalog-target relationships and their elements).
// Elements that connectors write hang off catalog targets, not off these paths,
// so they never count as group changes. The daemon hashes the rows.
// Parameters: $groups (list of IntegrationGroup qualifiedNames).
// Returns: qualifiedName, found (bool), group ([elementId, properties]),
//          paths (per path, a list of [elementId, properties]).
UNWIND $groups AS qn
OPTIONAL MATCH (g:IntegrationGroup {qualifiedName: qn})
WITH qn, g,
  COLLECT {
    MATCH p = (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->(:IntegrationConnector)
              -[:ASSET_CONNECTION]->()-[:EMBEDDED_CONNECTION*0..10]->()
              -[:CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT]->()
    RETURN p
  } +
  COLLECT {
    MATCH p = (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->(:IntegrationConnector)
              -[:ASSET_CONNECTION]->()-[:EMBEDDED_CONNECTION*0..10]->()
    RETURN p
  } +
  COLLECT {
    MATCH p = (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->(:IntegrationConnector)-[:CATALOG_TARGET]->()
    RETURN p
  } +
  COLLECT {
    MATCH p = (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->(:IntegrationConnector)
    RETURN p
  } AS paths
RETURN qn AS qualifiedName,
       g IS NOT NULL AS found,
       CASE WHEN g IS NULL THEN [] ELSE [elementId(g), properties(g)] END AS group,
       [p IN paths | [n IN nodes(p) | [elementId(n), properties(n)]] +
                     [r IN relationships(p) | [elementId(r), properties(r)]]] AS paths
