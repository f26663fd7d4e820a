// OGM-style walk: a connector's catalog targets. Parameters: $guid (connector). Returns: rel, end.
MATCH (:Referenceable {guid: $guid})-[t:CATALOG_TARGET]->(e)
RETURN properties(t) AS rel, e.guid AS end
ORDER BY t.catalogTargetName, e.qualifiedName, t.guid
