// OGM-style walk: a connection's connector types. Parameters: $guid. Returns: end.
MATCH (:Referenceable {guid: $guid})-[:CONNECTION_CONNECTOR_TYPE]->(t)
RETURN t.guid AS end
ORDER BY t.qualifiedName, t.guid
