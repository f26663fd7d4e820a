// History: the groups the connectors with these qualifiedNames are registered in now.
// Parameters: $qualifiedNames (list of strings).
// Returns: connector, group (qualifiedNames), one row per registration.
UNWIND $qualifiedNames AS name
MATCH (g:IntegrationGroup)-[:REGISTERED_INTEGRATION_CONNECTOR]->(c:Referenceable {qualifiedName: name})
RETURN c.qualifiedName AS connector, g.qualifiedName AS group
