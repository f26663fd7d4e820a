// Every integration group's qualifiedName (a daemon run with allGroups follows them all).
// Returns: qualifiedName, in order.
MATCH (g:IntegrationGroup)
RETURN g.qualifiedName AS qualifiedName
ORDER BY qualifiedName
