// Library: analysts
// Elements and relationships whose updateTime is at or after a given time.
// Parameters:
//   $since  datetime  ISO 8601 text, e.g. '2026-02-01T00:00:00Z'
// Returns: kind ("element" | "relationship"), typeName (element type or relationship type),
//          qualifiedName (the element's, or "start -> end" for a relationship), guid, version,
//          updateTime, updatedBy, ordered by updateTime, kind, qualifiedName, guid
CALL () {
  MATCH (n:Referenceable)
  WHERE n.updateTime >= datetime($since)
  RETURN 'element' AS kind, n.typeName AS typeName, n.qualifiedName AS qualifiedName,
         n.guid AS guid, n.version AS version, n.updateTime AS updateTime,
         n.updatedBy AS updatedBy
  UNION ALL
  MATCH (a:Referenceable)-[r]->(b:Referenceable)
  WHERE r.updateTime >= datetime($since)
  RETURN 'relationship' AS kind, type(r) AS typeName,
         a.qualifiedName + ' -> ' + b.qualifiedName AS qualifiedName,
         r.guid AS guid, r.version AS version, r.updateTime AS updateTime,
         r.updatedBy AS updatedBy
}
RETURN kind, typeName, qualifiedName, guid, version, updateTime, updatedBy
ORDER BY updateTime, kind, qualifiedName, guid
