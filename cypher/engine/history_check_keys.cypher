// History: everything `switchboard history --check` compares with its last recorded state:
// the elements of the integration-group model (groups, connectors, connections, connector
// types, endpoints and every element at an end of a model relationship), the model
// relationships, and every element or relationship whose last recorded state is not a
// deletion (so that a deletion made outside Switchboard is found).
// Parameters: none.
// Returns: kind ('element' | 'relationship'), key (guid), type (a relationship's type, null
// for an element); a key may come more than once.
CALL () {
  MATCH (n:Referenceable)
  WHERE n:IntegrationGroup OR n:IntegrationConnector OR n:Connection OR n:ConnectorType
     OR n:Endpoint
     OR EXISTS { (n)-[:REGISTERED_INTEGRATION_CONNECTOR|ASSET_CONNECTION|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION|CATALOG_TARGET]-() }
  RETURN 'element' AS kind, n.guid AS key, null AS type
  UNION ALL
  MATCH ()-[r:REGISTERED_INTEGRATION_CONNECTOR|ASSET_CONNECTION|CONNECTION_CONNECTOR_TYPE|CONNECT_TO_ENDPOINT|EMBEDDED_CONNECTION|CATALOG_TARGET]->()
  RETURN 'relationship' AS kind, r.guid AS key, type(r) AS type
  UNION ALL
  MATCH (h:HistoryState)
  WHERE h._hUntil IS NULL AND NOT h._hDeleted
  RETURN h._hKind AS kind, h._hKey AS key,
         CASE h._hKind WHEN 'relationship' THEN h._hType END AS type
}
WITH kind, key, type WHERE key IS NOT NULL
RETURN kind, key, type
