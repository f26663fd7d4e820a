// Library: analysts
// Every integration group with its number of registered connectors and when anything in it last
// changed (the group, a registration, a registered connector or one of its catalog targets).
// Parameters: none
// Returns: qualifiedName, displayName, guid, connectors (number of registrations),
//          lastUpdate (datetime, the latest updateTime), ordered by qualifiedName
MATCH (g:IntegrationGroup)
CALL (g) {
  OPTIONAL MATCH (g)-[r:REGISTERED_INTEGRATION_CONNECTOR]->(c)
  OPTIONAL MATCH (c)-[t:CATALOG_TARGET]->()
  WITH count(DISTINCT r) AS connectors,
       collect(r.updateTime) + collect(c.updateTime) + collect(t.updateTime) AS times
  RETURN connectors,
         reduce(latest = g.updateTime, x IN times |
           CASE WHEN latest IS NULL OR x > latest THEN x ELSE latest END) AS lastUpdate
}
RETURN g.qualifiedName AS qualifiedName, g.displayName AS displayName, g.guid AS guid,
       connectors, lastUpdate
ORDER BY qualifiedName
