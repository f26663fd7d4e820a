// Archive export: every element and integration-group relationship in the subgraphs of the
// named groups: the groups, their registered connectors, the connectors' catalog-target
// elements, the connections of connectors and targets with their embedded connections
// (recursively), connector types and endpoints.
// Parameters: $groupNames (qualifiedNames), $relationshipTypes (engine/typesystem values).
// Returns: one row: groups (qualifiedNames found), nodes [{labels, properties}],
// relationships [{type, start, end, properties}] (start/end are guids).
MATCH (g:IntegrationGroup)
WHERE g.qualifiedName IN $groupNames
OPTIONAL MATCH (g)-[:REGISTERED_INTEGRATION_CONNECTOR]->(ic)
OPTIONAL MATCH (ic)-[:CATALOG_TARGET]->(t)
WITH collect(DISTINCT g) AS groups, collect(DISTINCT ic) AS connectors, collect(DISTINCT t) AS targets
CALL (connectors, targets) {
  UNWIND connectors + targets AS asset
  MATCH (asset)-[:ASSET_CONNECTION]->(:Referenceable)-[:EMBEDDED_CONNECTION*0..]->(conn)
  OPTIONAL MATCH (conn)-[:CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT]->(x)
  RETURN collect(DISTINCT conn) + collect(DISTINCT x) AS linked
}
UNWIND groups + connectors + targets + linked AS n
WITH groups, collect(DISTINCT n) AS nodes
CALL (nodes) {
  UNWIND nodes AS a
  MATCH (a)-[r]->(b)
  WHERE type(r) IN $relationshipTypes AND b IN nodes
  RETURN collect({type: type(r), start: a.guid, end: b.guid, properties: properties(r)}) AS relationships
}
RETURN [x IN groups | x.qualifiedName] AS groups,
       [x IN nodes | {labels: labels(x), properties: properties(x)}] AS nodes,
       relationships
