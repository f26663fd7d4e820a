// OGM-style walk: one node by guid. Parameters: $guid. Returns: props.
MATCH (n:Referenceable {guid: $guid})
RETURN properties(n) AS props
