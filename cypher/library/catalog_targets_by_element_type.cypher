// Library: analysts
// Catalog targets whose element is of a given type, supertypes included (e.g. 'Asset' finds
// FileFolder and Database targets), with the connector that owns each.
// Parameters:
//   $typeName  string  an element type name (any label, e.g. 'FileFolder', 'Asset', 'Referenceable')
// Returns: elementTypeName, elementQualifiedName, connectorQualifiedName, catalogTargetName,
//          catalogTargetGuid, ordered by elementTypeName, elementQualifiedName,
//          connectorQualifiedName, catalogTargetName
MATCH (c)-[t:CATALOG_TARGET]->(e)
WHERE $typeName IN labels(e)
RETURN e.typeName AS elementTypeName, e.qualifiedName AS elementQualifiedName,
       c.qualifiedName AS connectorQualifiedName, t.catalogTargetName AS catalogTargetName,
       t.guid AS catalogTargetGuid
ORDER BY elementTypeName, elementQualifiedName, connectorQualifiedName, catalogTargetName
