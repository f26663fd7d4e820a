// How much of a synthetic graph is loaded. Returns: groups, connectors.
RETURN COUNT { (:IntegrationGroup) } AS groups, COUNT { (:IntegrationConnector) } AS connectors
