// OGM-style walk: the connections of an asset. Parameters: $guid (asset). Returns: end.
MATCH (:Referenceable {guid: $guid})-[:ASSET_CONNECTION]->(c)
RETURN c.guid AS end
ORDER BY c.qualifiedName, c.guid
