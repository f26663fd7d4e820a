// Library: analysts
// The connectors that have a catalog target pointing at a given element, with the groups that
// run them.
// Parameters:
//   $qualifiedName  string  qualifiedName of the target element
// Returns: connectorQualifiedName, catalogTargetName, catalogTargetGuid, permittedSynchronization,
//          groups (list of "group qualifiedName/connectorName"), ordered by
//          connectorQualifiedName, catalogTargetName
MATCH (c)-[t:CATALOG_TARGET]->(e:Referenceable {qualifiedName: $qualifiedName})
RETURN c.qualifiedName AS connectorQualifiedName, t.catalogTargetName AS catalogTargetName,
       t.guid AS catalogTargetGuid, t.permittedSynchronization AS permittedSynchronization,
       COLLECT {
         MATCH (g)-[r:REGISTERED_INTEGRATION_CONNECTOR]->(c)
         RETURN g.qualifiedName + '/' + coalesce(r.connectorName, '') AS registration
         ORDER BY registration
       } AS groups
ORDER BY connectorQualifiedName, catalogTargetName, catalogTargetGuid
