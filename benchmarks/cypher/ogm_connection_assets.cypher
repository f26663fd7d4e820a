// OGM-style walk: the assets of a connection. Parameters: $guid (connection). Returns: qualifiedName.
MATCH (a)-[:ASSET_CONNECTION]->(:Referenceable {guid: $guid})
RETURN a.qualifiedName AS qualifiedName
ORDER BY qualifiedName
