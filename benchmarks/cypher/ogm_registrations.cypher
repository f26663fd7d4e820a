// OGM-style walk: a group's registrations. Parameters: $guid (group). Returns: rel, end.
MATCH (:Referenceable {guid: $guid})-[r:REGISTERED_INTEGRATION_CONNECTOR]->(c)
RETURN properties(r) AS rel, c.guid AS end
ORDER BY r.connectorName, c.qualifiedName, r.guid
