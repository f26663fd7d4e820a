// OGM-style walk: a connection's endpoints. Parameters: $guid. Returns: end.
MATCH (:Referenceable {guid: $guid})-[:CONNECT_TO_ENDPOINT]->(e)
RETURN e.guid AS end
ORDER BY e.qualifiedName, e.guid
