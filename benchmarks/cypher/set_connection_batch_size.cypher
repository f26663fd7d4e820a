// Benchmark: change one connection's configurationProperties the way an analyst would in
// cypher-shell: a plain SET of the JSON text and its flattened key, with no version bump.
// Parameters:
//   $qualifiedName  string  the connection's qualifiedName
//   $json           string  the new configurationProperties (canonical JSON text)
//   $batchSize      int     the new value of configurationProperties.batchSize
// Returns: guid of the connection changed (no row when it does not exist).
MATCH (c:Referenceable {qualifiedName: $qualifiedName})
SET c.configurationProperties = $json, c.`configurationProperties.batchSize` = $batchSize
RETURN c.guid AS guid
