// Every index in the database and its state.
// Returns: name, type, entityType, labelsOrTypes, properties, state.
SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, state
RETURN name, type, entityType, labelsOrTypes, properties, state
ORDER BY name
