// Delete every node and relationship in the database. Tests use it between cases.
// Returns: deleted (number of nodes removed).
MATCH (n)
DETACH DELETE n
RETURN count(n) AS deleted
