// OGM-style walk: a connection's embedded connections. Parameters: $guid. Returns: rel, end.
MATCH (:Referenceable {guid: $guid})-[em:EMBEDDED_CONNECTION]->(child)
RETURN properties(em) AS rel, child.guid AS end
ORDER BY em.position, em.displayName, child.qualifiedName, em.guid
