// OGM-style walk, step 1: the group node. Parameters: $qualifiedName. Returns: props.
MATCH (g:Referenceable {qualifiedName: $qualifiedName})
WHERE g:IntegrationGroup
RETURN properties(g) AS props
