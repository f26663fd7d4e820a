// Benchmark (history --part bound): each group's elements in the order a resolution meets
// them (the group, then what it reaches through the model's relationships, nearest first):
// the order a writer that packs group by group would pack them in.
// Returns: group (qualifiedName), guids (its own and every element it reaches).
MATCH (g:IntegrationGroup)
CALL (g) {
  MATCH path = (g)-[:REGISTERED_INTEGRATION_CONNECTOR|ASSET_CONNECTION|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION|CATALOG_TARGET*0..6]->(n:Referenceable)
  WITH n, min(length(path)) AS depth
  ORDER BY depth, n.qualifiedName
  RETURN collect(n.guid) AS guids
}
RETURN g.qualifiedName AS group, guids
ORDER BY group
